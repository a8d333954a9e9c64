import { Link } from "react-router";
import { Logo } from "../components/Layout.tsx";
import { phoneBanner } from "../features/pairing/phoneBanner.ts";
import type { PhoneSnapshot } from "../features/pairing/phoneLink.ts";

/** The phone's top bar: the brand and, once linked, a big "Connected" (or why not). */
export function PhoneHeader({ snapshot }: { snapshot: PhoneSnapshot }) {
  const { view } = snapshot;
  const banner = phoneBanner(snapshot);
  return (
    <header className="phone__header">
      <Link to="/" className="brand brand--light" aria-label="EasyQR home">
        <Logo />
        <span>EasyQR</span>
      </Link>
      <div
        role="status"
        aria-live="polite"
        className={`phone__status${banner ? " phone__status--linked" : ""}${banner?.tone === "warn" ? " phone__status--offline" : ""}`}
        data-testid="phone-banner"
      >
        {banner ? (
          <>
            <strong className="phone__connected">{banner.headline}</strong>
            <span>{banner.detail}</span>
          </>
        ) : view.kind === "connecting" ? (
          <span>{view.via === "resume" ? "Reconnecting…" : "Linking…"}</span>
        ) : null}
      </div>
    </header>
  );
}
