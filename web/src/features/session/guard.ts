import type { Me } from "@easyqr/protocol";
import { paths } from "../../paths.ts";

/**
 * What the app knows about the session. `loading`: a refresh token is stored and the user is
 * being restored; `unreachable`: that failed for want of the server (the session is kept).
 */
export type SessionState =
  | { status: "loading" }
  | { status: "unreachable"; message: string }
  /**
   * `notice`: words for the sign-in page; `ended`: the server ended the session (not a logout here);
   * `deleted`: the account was deleted here, so the app's pages lead to the start page (which says so).
   */
  | { status: "signedOut"; notice?: string; ended?: boolean; deleted?: boolean }
  | { status: "signedIn"; user: Me };

/**
 * landing: the start page; public: sign-in and code (signed-out only); onboarding: signed in,
 * profile unfinished; private: the app.
 */
export type RouteAccess = "landing" | "public" | "onboarding" | "private";

export type GuardDecision = { kind: "wait" } | { kind: "render" } | { kind: "redirect"; to: string };

const privatePath = /^\/(home|settings)(\/[\w/-]*)?$/;

/** A place to go back to after signing in: only the app's own private pages (no open redirect). */
export function safeReturnTo(path: string | undefined): string | undefined {
  return path !== undefined && privatePath.test(path) ? path : undefined;
}

/**
 * The one rule behind PublicRoute, PrivateRoute and the onboarding route. Nothing is decided
 * while the session is unknown (the page waits, so a signed-in user never sees sign-in flash
 * by), and every redirect lands on a route that renders for that state: no loops.
 */
export function decide(access: RouteAccess, session: SessionState, returnTo?: string): GuardDecision {
  if (session.status === "loading" || session.status === "unreachable") return { kind: "wait" };
  if (session.status === "signedOut") {
    // A session the server ended is picked up on sign-in, where its notice says why, not on the start page.
    if (access === "public" || (access === "landing" && !session.ended)) return { kind: "render" };
    return { kind: "redirect", to: session.deleted ? paths.landing : paths.signIn };
  }
  if (!session.user.onboarded) return access === "onboarding" ? { kind: "render" } : { kind: "redirect", to: paths.onboarding };
  if (access === "private") return { kind: "render" };
  return { kind: "redirect", to: safeReturnTo(returnTo) ?? paths.home };
}
