import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Route, Routes } from "react-router";
import { LoadingSplash, Logo } from "./components/Layout.tsx";
import { StartPage } from "./pages/StartPage.tsx";
import { paths } from "./paths.ts";
import "./styles/all.ts";

type MountApp = (container: HTMLElement) => void;

/**
 * The signed-out start page alone: React, the router and the page, none of the app's schemas, state
 * or features, so a first visit loads a third less JavaScript (e2e/firstLoad.test.ts holds it under
 * 100 kB gzipped). Leaving it for any other path loads the app, which then takes the page over (its
 * router starts at the path the visitor went to).
 */
export function mountStartPage(container: HTMLElement, loadApp: () => Promise<MountApp>): void {
  const root = createRoot(container);
  let leaving: Promise<void> | undefined;
  const leave = () =>
    (leaving ??= loadApp().then(
      (mountApp) => {
        root.unmount();
        mountApp(container);
      },
      (error: unknown) => {
        leaving = undefined;
        throw error;
      },
    ));
  root.render(
    <StrictMode>
      <BrowserRouter>
        <Routes>
          <Route path={paths.landing} element={<StartPage />} />
          <Route path="*" element={<LoadingApp leave={leave} />} />
        </Routes>
      </BrowserRouter>
    </StrictMode>,
  );
}

/** The splash while the app loads; if it cannot (offline before the service worker has it), says so and offers a retry. */
function LoadingApp({ leave }: { leave: () => Promise<void> }) {
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!failed) leave().catch(() => setFailed(true));
  }, [failed, leave]);
  if (!failed) return <LoadingSplash />;
  return (
    <main className="splash">
      <div className="splash__box" role="alert">
        <Logo />
        <p>EasyQR could not load. Check your connection and try again.</p>
        <button type="button" className="button button--primary" onClick={() => setFailed(false)}>
          Try again
        </button>
      </div>
    </main>
  );
}
