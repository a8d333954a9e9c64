import type { Device } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { useStore } from "../api/useStore.ts";
import { BackIcon } from "../components/icons.tsx";
import { liveAtom, liveClientAtom } from "../realtime/state.ts";
import { CameraView } from "../features/scanner/CameraView.tsx";
import type { Detection } from "../features/scanner/decoder.ts";
import { scanFeedback, unlockAudio } from "../features/scanner/feedback.ts";
import { SCAN_FORMATS } from "../features/scanner/formats.ts";
import { RecentScans } from "../features/scanner/RecentScans.tsx";
import { RepeatFilter } from "../features/scanner/repeatFilter.ts";
import { useBarcodeScanner } from "../features/scanner/useBarcodeScanner.ts";
import { DesktopScanner } from "../features/scanToDesktop/desktopScanner.ts";
import { useLinkedDesktops } from "../features/scanToDesktop/useLinkedDesktops.ts";
import { paths } from "../paths.ts";
import { FormError } from "../components/FormError.tsx";

/**
 * /home/scan-to-desktop on a signed-in phone: the phone is the barcode scanner of one of the person's
 * own linked computers (chosen when there are several), with no pairing. Scans wait on the phone
 * while it or the computer is offline.
 */
export function ScanToDesktopPage() {
  const { desktops, error } = useLinkedDesktops();
  const [chosenId, setChosenId] = useState<string>();
  const online = desktops?.filter((d) => d.online) ?? [];
  const target = desktops?.find((d) => d.id === chosenId) ?? (online.length === 1 ? online[0] : undefined);
  // Chosen (by the person, or as the only one online) it stays the target while it is away: its scans wait.
  if (target && target.id !== chosenId) setChosenId(target.id);

  return (
    <div className="phone" onPointerDown={unlockAudio}>
      <h1 className="visually-hidden">Scan to desktop</h1>
      {target ? (
        <TargetScanner key={target.id} target={target} onChange={online.length > 1 ? () => setChosenId(undefined) : undefined} />
      ) : (
        <div className="camera camera--off" />
      )}
      <header className="phone__header">
        <Link to={paths.home} className="back-link" aria-label="Back to chats">
          <BackIcon />
        </Link>
        <div role="status" aria-live="polite" className={`phone__status${target ? " phone__status--linked" : ""}`} data-testid="scan-target">
          {target ? (
            <>
              <strong className="phone__connected">Scanning to {target.name}</strong>
              <span>{target.online ? "Each code appears on that computer at once." : "That computer is offline; scans wait here."}</span>
            </>
          ) : null}
        </div>
      </header>
      {target ? null : (
        <section className="sheet" aria-label="Choose a computer">
          <ChooseDesktop desktops={desktops} online={online} error={error} onChoose={setChosenId} />
        </section>
      )}
    </div>
  );
}

function ChooseDesktop({
  desktops,
  online,
  error,
  onChoose,
}: {
  desktops: Device[] | undefined;
  online: Device[];
  error: string | undefined;
  onChoose: (id: string) => void;
}) {
  if (error) return <FormError message={error} />;
  if (!desktops) return <p className="sheet__title">Looking for your computers…</p>;
  if (online.length === 0) {
    return (
      <>
        <p className="sheet__title">{desktops.length === 0 ? "No computer is linked to your account yet" : "None of your computers is online"}</p>
        <p className="hint">
          {desktops.length === 0
            ? "Link one first: open EasyQR on the computer and scan its code."
            : `Open EasyQR on ${desktops.map((d) => d.name).join(" or ")}; it shows up here as soon as it is online.`}
        </p>
        <Link to="/link" className="button button--primary">
          Link a desktop
        </Link>
      </>
    );
  }
  return (
    <>
      <p className="sheet__title">Which computer should get your scans?</p>
      <ul className="scan-targets" aria-label="Your computers online">
        {online.map((desktop) => (
          <li key={desktop.id}>
            <button type="button" className="button button--secondary scan-targets__button" onClick={() => onChoose(desktop.id)}>
              {desktop.name}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The camera and the outbox for one target computer. */
function TargetScanner({ target, onChange }: { target: Device; onChange?: () => void }) {
  const live = useAtomValue(liveClientAtom);
  const liveState = useAtomValue(liveAtom);
  const scanner = useMemo(() => (live ? new DesktopScanner({ live, deviceId: target.id, storage: localStorage }) : undefined), [live, target.id]);
  const repeats = useRef(new RepeatFilter(2000));

  useEffect(() => {
    scanner?.start();
    return () => scanner?.stop();
  }, [scanner]);
  useEffect(() => {
    if (liveState === "ready") scanner?.flush();
  }, [liveState, scanner]);

  const onDetect = ({ text, format }: Detection) => {
    if (!scanner || !repeats.current.accept(text, Date.now())) return;
    scanner.scan(text, format);
    scanFeedback();
  };
  const camera = useBarcodeScanner({ enabled: scanner !== undefined, formats: SCAN_FORMATS, onDetect });
  return (
    <>
      <CameraView videoRef={camera.videoRef} status={camera.status} onRetry={camera.retry} paired />
      <section className="sheet" aria-label="Scanner">
        {scanner ? <TargetStatus scanner={scanner} /> : null}
        {onChange ? (
          <button type="button" className="button button--ghost button--small" onClick={onChange}>
            Choose another computer
          </button>
        ) : null}
      </section>
    </>
  );
}

function TargetStatus({ scanner }: { scanner: DesktopScanner }) {
  const { recent, pending, offline } = useStore(scanner);
  return (
    <>
      {offline && pending > 0 ? <p className="hint">The computer is away; your scans wait here and go as soon as it is back.</p> : null}
      <RecentScans scans={recent} pending={pending} />
    </>
  );
}
