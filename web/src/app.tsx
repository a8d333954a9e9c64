import { Provider } from "jotai";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Route, Routes } from "react-router";
import { LandingRoute, OnboardingRoute, PrivateRoute, PublicRoute, Splash } from "./features/session/guards.tsx";
import { paths } from "./paths.ts";
import { LiveLoader } from "./features/live/LiveLoader.tsx";
import { DesktopAppAlerts } from "./features/desktopApp/DesktopAppAlerts.tsx";
import { BrowserAlerts } from "./features/notifications/BrowserAlerts.tsx";
import { TabTitle } from "./features/chat/TabTitle.tsx";
import { LinkingEvents } from "./features/linking/LinkingEvents.tsx";
import { LinkedSignOut } from "./features/linking/LinkedSignOut.tsx";
import { SessionLoader } from "./features/session/SessionLoader.tsx";
import { appStore } from "./features/session/state.ts";
import { LandingPage, NotFoundPage } from "./pages/LandingPage.tsx";
import "./styles/all.ts";

// Each side loads only its own code: the desktop never fetches the decoder, the phone never the QR writer.
const DesktopPage = lazy(() => import("./pages/DesktopPage.tsx").then((m) => ({ default: m.DesktopPage })));
const ScanPage = lazy(() => import("./pages/ScanPage.tsx").then((m) => ({ default: m.ScanPage })));
const PairPage = lazy(() => import("./pages/PairPage.tsx").then((m) => ({ default: m.PairPage })));
const SignInPage = lazy(() => import("./pages/SignInPage.tsx").then((m) => ({ default: m.SignInPage })));
const CodePage = lazy(() => import("./pages/CodePage.tsx").then((m) => ({ default: m.CodePage })));
const OnboardingPage = lazy(() => import("./pages/OnboardingPage.tsx").then((m) => ({ default: m.OnboardingPage })));
const HomePage = lazy(() => import("./pages/HomePage.tsx").then((m) => ({ default: m.HomePage })));
const MyQrPage = lazy(() => import("./pages/MyQrPage.tsx").then((m) => ({ default: m.MyQrPage })));
const AddContactPage = lazy(() => import("./pages/AddContactPage.tsx").then((m) => ({ default: m.AddContactPage })));
const JoinGroupPage = lazy(() => import("./pages/JoinGroupPage.tsx").then((m) => ({ default: m.JoinGroupPage })));
const JoinLinkPage = lazy(() => import("./pages/JoinLinkPage.tsx").then((m) => ({ default: m.JoinLinkPage })));
const AddLinkPage = lazy(() => import("./pages/AddLinkPage.tsx").then((m) => ({ default: m.AddLinkPage })));
const LinkPage = lazy(() => import("./pages/LinkPage.tsx").then((m) => ({ default: m.LinkPage })));
const ScanToDesktopPage = lazy(() => import("./pages/ScanToDesktopPage.tsx").then((m) => ({ default: m.ScanToDesktopPage })));
const SettingsPage = lazy(() => import("./pages/SettingsPage.tsx").then((m) => ({ default: m.SettingsPage })));

/** Renders the whole app into `container` (main.ts decides when: at once, or on leaving the start page shown alone). */
export function mountApp(container: HTMLElement): void {
  createRoot(container).render(
    <StrictMode>
      <Provider store={appStore}>
        <SessionLoader />
        <LiveLoader />
        <DesktopAppAlerts />
        <TabTitle />
        <LinkingEvents />
        <BrowserRouter>
          <LinkedSignOut />
          <BrowserAlerts />
          <Suspense fallback={<Splash />}>
            <Routes>
              <Route
                path={paths.landing}
                element={
                  <LandingRoute>
                    <LandingPage />
                  </LandingRoute>
                }
              />
              <Route
                path={paths.signIn}
                element={
                  <PublicRoute>
                    <SignInPage />
                  </PublicRoute>
                }
              />
              <Route
                path={paths.code}
                element={
                  <PublicRoute>
                    <CodePage />
                  </PublicRoute>
                }
              />
              <Route
                path={paths.onboarding}
                element={
                  <OnboardingRoute>
                    <OnboardingPage />
                  </OnboardingRoute>
                }
              />
              <Route
                path={paths.home}
                element={
                  <PrivateRoute>
                    <HomePage />
                  </PrivateRoute>
                }
              />
              <Route
                path={paths.chat}
                element={
                  <PrivateRoute>
                    <HomePage />
                  </PrivateRoute>
                }
              />
              <Route
                path={paths.receivedScans}
                element={
                  <PrivateRoute>
                    <HomePage />
                  </PrivateRoute>
                }
              />
              <Route
                path={paths.scanToDesktop}
                element={
                  <PrivateRoute>
                    <ScanToDesktopPage />
                  </PrivateRoute>
                }
              />
              <Route
                path={paths.myQr}
                element={
                  <PrivateRoute>
                    <MyQrPage />
                  </PrivateRoute>
                }
              />
              <Route
                path={paths.addContact}
                element={
                  <PrivateRoute>
                    <AddContactPage />
                  </PrivateRoute>
                }
              />
              <Route path="/add" element={<AddLinkPage />} />
              <Route
                path={paths.joinGroup}
                element={
                  <PrivateRoute>
                    <JoinGroupPage />
                  </PrivateRoute>
                }
              />
              <Route path="/join" element={<JoinLinkPage />} />
              <Route
                path={paths.settings}
                element={
                  <PrivateRoute>
                    <SettingsPage />
                  </PrivateRoute>
                }
              />
              {/* Pairing and the scanner need no account. */}
              <Route path="/desktop" element={<DesktopPage />} />
              <Route path="/scan" element={<ScanPage />} />
              <Route path="/pair" element={<PairPage />} />
              {/* Tells a signed-out phone to sign in first. */}
              <Route path="/link" element={<LinkPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Suspense>
        </BrowserRouter>
      </Provider>
    </StrictMode>,
  );
}
