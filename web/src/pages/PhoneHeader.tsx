import { Link } from "react-router";
import { Logo } from "../components/Layout.tsx";
import type { PhoneSnapshot } from "../features/pairing/phoneLink.ts";

/** The phone's top bar: the brand and, once linked, a big "Connected". */
export function PhoneHeader({ snapshot }: { snapshot: PhoneSnapshot }) {
  const { view, socket } = snapshot;
  const linked = view.kind === "connected";
  const offline = linked && socket !== "ready";
  const detail = !linked
    ? ""
    : offline
      ? "Offline — scans are kept and sent when back"
      : view.desktopOnline
        ? "Scans go to the desktop"
        : "Desktop is away — scans will wait for it";
  return (
    <header className="phone__header">
      <Link to="/" className="brand brand--light" aria-label="EasyQR home">
        <Logo />
        <span>EasyQR</span>
      </Link>
      <div role="status" aria-live="polite" className={`phone__status${linked ? " phone__status--linked" : ""}${offline ? " phone__status--offline" : ""}`}>
        {linked ? (
          <>
            <strong className="phone__connected">{offline ? "Reconnecting…" : "Connected"}</strong>
            <span>{detail}</span>
          </>
        ) : view.kind === "connecting" ? (
          <span>{view.via === "resume" ? "Reconnecting…" : "Linking…"}</span>
        ) : null}
      </div>
    </header>
  );
}
