import { useAtom, useAtomValue, useSetAtom } from "jotai";
import { useEffect, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { LoadingSplash, Logo } from "../../components/Layout.tsx";
import { deepLink } from "./deepLink.ts";
import { decide, type RouteAccess } from "./guard.ts";
import { pendingSignInAtom, sessionAtom } from "./state.ts";

/** Shown while the session is unknown: nothing but the logo, faded in late so a quick restore shows nothing at all. */
export function Splash() {
  const session = useAtomValue(sessionAtom);
  const setSession = useSetAtom(sessionAtom);
  if (session.status === "unreachable") {
    return (
      <main className="splash">
        <div className="splash__box" role="alert">
          <Logo />
          <p>{session.message}</p>
          <button type="button" className="button button--primary" onClick={() => setSession({ status: "loading" })}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  return <LoadingSplash />;
}

function Guard({ access, children }: { access: RouteAccess; children: ReactNode }) {
  const session = useAtomValue(sessionAtom);
  const [pending, setPending] = useAtom(pendingSignInAtom);
  const location = useLocation();
  // A private page asked for while signed out is where sign-in (and onboarding) will end.
  if (access === "private" && session.status === "signedOut" && !session.deleted) deepLink.keepDestination(location.pathname);
  const decision = decide(access, session, deepLink.destination());
  const signedInNow = decision.kind === "render" && (access === "private" || access === "onboarding");
  const arrived = decision.kind === "render" && access === "private";
  // The sign-in that brought the user here is done: forget it.
  useEffect(() => {
    if (signedInNow && pending) setPending(null);
  }, [signedInNow, pending, setPending]);
  useEffect(() => {
    if (arrived) deepLink.arrive(location.pathname);
  }, [arrived, location.pathname]);
  if (decision.kind === "wait") return <Splash />;
  if (decision.kind === "redirect") return <Navigate to={decision.to} replace />;
  return children;
}

/** The start page: a signed-in user goes to the app; a session that just ended, to sign-in. */
export function LandingRoute({ children }: { children: ReactNode }) {
  return <Guard access="landing">{children}</Guard>;
}

/** Sign-in and code entry: a signed-in user goes to the app instead. */
export function PublicRoute({ children }: { children: ReactNode }) {
  return <Guard access="public">{children}</Guard>;
}

/** The app: signed-out visitors go to sign-in, users without a profile to onboarding. */
export function PrivateRoute({ children }: { children: ReactNode }) {
  return <Guard access="private">{children}</Guard>;
}

/** Onboarding: only for a signed-in user whose name or username is missing. */
export function OnboardingRoute({ children }: { children: ReactNode }) {
  return <Guard access="onboarding">{children}</Guard>;
}
