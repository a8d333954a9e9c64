import type { ReactNode } from "react";
import { Link } from "react-router";

/** The page frame: a brand bar and the content under it. */
export function Layout({ children, variant = "desktop" }: { children: ReactNode; variant?: "desktop" | "phone" }) {
  return (
    <div className={`layout layout--${variant}`}>
      <header className="brandbar">
        <Link to="/" className="brand" aria-label="EasyQR home">
          <Logo />
          <span>EasyQR</span>
        </Link>
      </header>
      <main className="layout__main">{children}</main>
    </div>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <g fill="var(--logo-ink, #fff)">
        <rect x="6" y="6" width="8" height="8" rx="1.5" />
        <rect x="18" y="6" width="8" height="8" rx="1.5" />
        <rect x="6" y="18" width="8" height="8" rx="1.5" />
        <rect x="18" y="18" width="3" height="3" />
        <rect x="23" y="23" width="3" height="3" />
        <rect x="18" y="23" width="3" height="3" />
        <rect x="23" y="18" width="3" height="3" />
      </g>
    </svg>
  );
}

/** The app on its way: nothing but the logo, faded in late so a quick load shows nothing at all. */
export function LoadingSplash() {
  return (
    <main className="splash splash--quiet" aria-busy="true" aria-label="Loading EasyQR">
      <Logo />
    </main>
  );
}
