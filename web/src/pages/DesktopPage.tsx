import { useAtomValue } from "jotai";
import { useEffect, useState } from "react";
import { onPhone } from "../features/pairing/device.ts";
import { Layout } from "../components/Layout.tsx";
import { useStore } from "../api/useStore.ts";
import { useWakeRetry } from "../realtime/useWakeRetry.ts";
import { desktopStatus } from "../features/pairing/desktopStatus.ts";
import { desktopLinkAtom } from "../features/pairing/links.ts";
import { PairingCard } from "../features/pairing/PairingCard.tsx";
import { SessionBar } from "../features/pairing/SessionBar.tsx";
import { StartCard } from "../features/pairing/StartCard.tsx";
import { ScanHistoryPanel } from "../features/scanner/ScanHistoryPanel.tsx";

/** /desktop: create a session, show its QR, then the scans the phone sends. */
export function DesktopPage() {
  const link = useAtomValue(desktopLinkAtom);
  const snapshot = useStore(link);
  const { view } = snapshot;
  const status = desktopStatus(snapshot);
  // Opened on a phone, the phone that scans is another one.
  const [scanner] = useState(() => (onPhone() ? "another phone" : "your phone"));

  useEffect(() => {
    link.resume();
    return () => link.suspend();
  }, [link]);

  useWakeRetry(link.retryNow);

  const create = () => void link.create();

  return (
    <Layout>
      <div className="desktop">
        {view.kind === "idle" || view.kind === "creating" || view.kind === "resuming" ? (
          <StartCard
            title={`Use ${scanner} as a scanner`}
            body={`Create a session, then scan its QR code with ${scanner}. Everything that phone scans shows up here.`}
            action="Create session"
            busy={view.kind !== "idle"}
            status={view.kind === "idle" && !view.error ? undefined : status}
            onStart={create}
          />
        ) : null}
        {view.kind === "waiting" ? <PairingCard qr={view.qr} expiresAt={view.expiresAt} status={status} /> : null}
        {view.kind === "expired" ? (
          <StartCard
            title="This code has expired"
            body={`No phone was linked in time. Get a new code and scan it with ${scanner}.`}
            action="New code"
            busy={false}
            status={status}
            onStart={create}
          />
        ) : null}
        {view.kind === "closed" ? (
          <StartCard
            title="Session ended"
            body="The phone is no longer linked. Start a new session to scan again."
            action="New session"
            busy={false}
            onStart={create}
          />
        ) : null}
        {view.kind === "connected" ? (
          <SessionBar
            status={status}
            allowMultiplePhones={view.allowMultiplePhones}
            joinQr={view.joinQr}
            online={snapshot.socket === "ready"}
            onToggleMulti={(allow) => link.setMultiPhone(allow)}
            onDisconnect={() => link.disconnect()}
          />
        ) : null}
        {view.kind === "connected" || (view.kind === "closed" && snapshot.scans.length > 0) ? (
          <ScanHistoryPanel scans={snapshot.scans} phones={view.kind === "connected" ? view.phones : []} sessionId={snapshot.sessionId} />
        ) : null}
      </div>
    </Layout>
  );
}
