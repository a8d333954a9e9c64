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
import { DesktopLinkScreen } from "../features/linking/DesktopLinkScreen.tsx";
import { authSession, sessionAtom } from "../features/session/state.ts";
import { Navigate, useLocation } from "react-router";
import { paths } from "../paths.ts";
import { Splash } from "../features/session/guards.tsx";

/**
 * /desktop. Signed out, "Link with your phone" comes first (the computer becomes the person's
 * messenger); the anonymous scanner pairing stays one click away, and is what a signed-in user gets.
 */
export function DesktopPage() {
  const session = useAtomValue(sessionAtom);
  const pairing = useAtomValue(desktopLinkAtom);
  // A pairing this tab already had (a reload mid-session) goes on as a pairing.
  const [scanner, setScanner] = useState(() => pairing.hasSaved());
  const location = useLocation();
  if (session.status === "loading" || session.status === "unreachable") return <Splash />;
  // A linked desktop (the desktop app starts here) opens on its chats; from inside the app, /desktop is the scanner pairing.
  if (session.status === "signedIn" && location.key === "default" && authSession.isKeyBound() && !scanner) return <Navigate to={paths.home} replace />;
  if (session.status === "signedIn") return <ScannerPairing />;
  if (scanner) return <ScannerPairing onLink={() => setScanner(false)} />;
  return (
    <Layout>
      <div className="desktop">
        {session.notice ? (
          <p className="notice link-notice" role="status">
            {session.ended ? "This computer was signed out (logged out here or from your phone). Scan the new code to link it again." : session.notice}
          </p>
        ) : null}
        <DesktopLinkScreen onScanner={() => setScanner(true)} />
      </div>
    </Layout>
  );
}

/** Create a pairing session, show its QR, then the scans the phone sends; signed out, `onLink` goes back to linking. */
function ScannerPairing({ onLink }: { onLink?: () => void }) {
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

  const create = () => link.create();

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
        {onLink && view.kind === "idle" ? (
          <p className="link-back">
            Have an EasyQR account?{" "}
            <button type="button" className="button button--link" onClick={onLink}>
              Link this computer with your phone instead
            </button>
          </p>
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
