import { useEffect, useRef, useState } from "react";
import { pairingUrl, parseContactQr, type PairingPayload } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useNavigate } from "react-router";
import { linkPagePath, parseLinkUrl } from "../features/linking/linkUrl.ts";
import { useStore } from "../api/useStore.ts";
import { useWakeRetry } from "../realtime/useWakeRetry.ts";
import { QrPreviewCard } from "../features/contacts/QrPreviewCard.tsx";
import { userAtom } from "../features/session/state.ts";
import { CodeEntryForm } from "../features/pairing/CodeEntryForm.tsx";
import { detectionAction } from "../features/pairing/detection.ts";
import { phoneLinkAtom } from "../features/pairing/links.ts";
import { pageServer } from "../features/pairing/pageServer.ts";
import { CameraView } from "../features/scanner/CameraView.tsx";
import { cameraText } from "../features/scanner/cameraText.ts";
import type { Detection } from "../features/scanner/decoder.ts";
import { scanFeedback, unlockAudio } from "../features/scanner/feedback.ts";
import { SCAN_FORMATS } from "../features/scanner/formats.ts";
import { RecentScans } from "../features/scanner/RecentScans.tsx";
import { RepeatFilter } from "../features/scanner/repeatFilter.ts";
import { useBarcodeScanner } from "../features/scanner/useBarcodeScanner.ts";
import { PhoneHeader } from "./PhoneHeader.tsx";
import { keepJoinToken, parseGroupInvite } from "../features/groups/inviteLink.ts";
import { paths } from "../paths.ts";
import { FormError } from "../components/FormError.tsx";

const PAIRING_FORMATS = ["QRCode"] as const;

/**
 * /scan on the phone: scan the desktop's QR (or type its code), then scan codes for the desktop.
 * Signed in and not linked, a contact's My QR opens their preview card instead.
 */
export function ScanPage() {
  const link = useAtomValue(phoneLinkAtom);
  const snapshot = useStore(link);
  const { view } = snapshot;
  const paired = view.kind === "connected";
  const repeats = useRef(new RepeatFilter(2000));
  const [otherServer, setOtherServer] = useState<PairingPayload>();
  const [hint, setHint] = useState<string>();
  const [typing, setTyping] = useState(false);
  const signedIn = useAtomValue(userAtom) !== undefined;
  const [contactToken, setContactToken] = useState<string>();
  const navigate = useNavigate();

  useEffect(() => {
    link.resume();
  }, [link]);
  useWakeRetry(link.retryNow);

  const onDetect = ({ text, format }: Detection) => {
    if (!repeats.current.accept(text, Date.now())) return;
    // A desktop's "Link with your phone" QR: approving it needs this phone's account.
    const desktop = !paired ? parseLinkUrl(text, pageServer()) : null;
    if (desktop) {
      if (signedIn) void navigate(linkPagePath(desktop), { state: { from: "app" } });
      else setHint("That computer wants to link to an account. Sign in on this phone first, then scan it again.");
      return;
    }
    const invite = !paired && signedIn ? parseGroupInvite(text) : null;
    if (invite) {
      if (invite.server === pageServer() && keepJoinToken(text)) void navigate(paths.joinGroup);
      else setHint("That group invite belongs to another EasyQR server.");
      return;
    }
    const contact = !paired && signedIn ? parseContactQr(text) : null;
    if (contact) {
      if (contact.server === pageServer()) setContactToken(contact.token);
      else setHint("That contact code belongs to another EasyQR server.");
      return;
    }
    const action = detectionAction(text, { paired, sessionId: snapshot.sessionId, server: pageServer() });
    if (action.kind === "pair" && view.kind !== "connecting") {
      setHint(undefined);
      link.pairWithQr(action.payload);
    } else if (action.kind === "other-server") {
      setOtherServer(action.payload);
    } else if (action.kind === "not-pairing") {
      setHint(
        signedIn
          ? "That is not an EasyQR code. Scan a contact's or a group's QR code, or the one on your computer's screen."
          : "That is not an EasyQR code. Scan the QR code on the desktop's screen.",
      );
    } else if (action.kind === "scan" && link.scan(text, format)) {
      scanFeedback();
    }
  };

  const camera = useBarcodeScanner({ enabled: view.kind !== "ended" && !contactToken, formats: paired ? SCAN_FORMATS : PAIRING_FORMATS, onDetect });
  const cameraUnusable = !["off", "starting", "scanning"].includes(camera.status);
  // Linked on a device without a usable camera: said once in the sheet (the camera box is gone).
  const noCamera = paired && cameraUnusable && !cameraText(camera.status, { paired });

  return (
    <div className="phone" onPointerDown={unlockAudio}>
      <h1 className="visually-hidden">{paired ? "EasyQR scanner" : "Link this phone"}</h1>
      <CameraView videoRef={camera.videoRef} status={camera.status} onRetry={camera.retry} paired={paired} />
      <PhoneHeader snapshot={snapshot} />
      <section className="sheet" aria-label={paired ? "Scanner" : "Pairing"}>
        {contactToken ? (
          <QrPreviewCard
            key={contactToken}
            token={contactToken}
            onClose={() => {
              repeats.current = new RepeatFilter(2000);
              setContactToken(undefined);
            }}
          />
        ) : paired ? (
          <>
            {noCamera ? <p className="hint">This device has no camera it can use here, so it cannot scan.</p> : null}
            <RecentScans scans={snapshot.recent} pending={snapshot.pending} noCamera={noCamera} />
            <button type="button" className="button button--ghost button--small" onClick={() => link.forget()}>
              Unlink this phone
            </button>
          </>
        ) : view.kind === "ended" ? (
          <>
            <p className="sheet__title">{view.message}</p>
            <button type="button" className="button button--primary" onClick={() => link.forget()}>
              Link again
            </button>
          </>
        ) : (
          <>
            <p className="sheet__title">
              {view.kind === "connecting"
                ? "Linking…"
                : cameraUnusable
                  ? "Type the code shown on your computer"
                  : signedIn
                    ? "Scan a contact's QR code, or the one on your computer"
                    : "Scan the QR code on your computer"}
            </p>
            {view.kind === "unpaired" && view.error ? <FormError message={view.error} /> : null}
            {hint && !(view.kind === "unpaired" && view.error) ? <p className="hint">{hint}</p> : null}
            {otherServer ? (
              <p className="notice">
                This code belongs to another EasyQR server.{" "}
                <a href={pairingUrl(otherServer.server, otherServer.sessionId, otherServer.token)}>Open it on {new URL(otherServer.server).host}</a>
              </p>
            ) : null}
            {typing || cameraUnusable ? (
              <CodeEntryForm busy={view.kind === "connecting"} onSubmit={(code) => link.pairWithCode(code)} />
            ) : (
              <button type="button" className="button button--link" onClick={() => setTyping(true)}>
                Type the code instead
              </button>
            )}
          </>
        )}
      </section>
    </div>
  );
}
