import assert from "node:assert/strict";
import { test } from "node:test";
import type { Me } from "@easyqr/protocol";
import { paths } from "../../paths.ts";
import { decide, safeReturnTo, type RouteAccess, type SessionState } from "./guard.ts";

const user = (onboarded: boolean): Me => ({
  id: "u",
  name: onboarded ? "Ada" : null,
  username: onboarded ? "ada" : null,
  bio: null,
  avatar: null,
  email: "ada@example.com",
  phone: null,
  createdAt: 1,
  onboarded,
  hideLastSeen: false,
  bioVisibility: "connections",
});

const states: Record<string, SessionState> = {
  loading: { status: "loading" },
  unreachable: { status: "unreachable", message: "offline" },
  signedOut: { status: "signedOut" },
  ended: { status: "signedOut", notice: "Your session ended.", ended: true },
  loggedOut: { status: "signedOut", notice: "You have signed out." },
  newUser: { status: "signedIn", user: user(false) },
  onboarded: { status: "signedIn", user: user(true) },
};

const routeAccess: Record<string, RouteAccess> = {
  [paths.landing]: "landing",
  [paths.signIn]: "public",
  [paths.code]: "public",
  [paths.onboarding]: "onboarding",
  [paths.home]: "private",
  [paths.settings]: "private",
};

test("while the session is unknown every guarded page waits (no flash of sign-in, no redirect)", () => {
  for (const access of ["landing", "public", "onboarding", "private"] as const) {
    assert.deepEqual(decide(access, states.loading!), { kind: "wait" });
    assert.deepEqual(decide(access, states.unreachable!), { kind: "wait" });
  }
});

test("signed out: landing and sign-in render; the app and onboarding go to sign-in", () => {
  assert.deepEqual(decide("landing", states.signedOut!), { kind: "render" });
  assert.deepEqual(decide("public", states.signedOut!), { kind: "render" });
  assert.deepEqual(decide("private", states.signedOut!), { kind: "redirect", to: "/sign-in" });
  assert.deepEqual(decide("onboarding", states.signedOut!), { kind: "redirect", to: "/sign-in" });
});

test("a session the server ended is sent from the start page to sign-in, where its notice shows; a logout is not", () => {
  assert.deepEqual(decide("landing", states.loggedOut!), { kind: "render" });
  assert.deepEqual(decide("landing", states.ended!), { kind: "redirect", to: "/sign-in" });
  assert.deepEqual(decide("public", states.ended!), { kind: "render" });
  assert.deepEqual(decide("private", states.ended!), { kind: "redirect", to: "/sign-in" });
});

test("signed in: landing, sign-in and code go to /home; the app renders; onboarding is done", () => {
  assert.deepEqual(decide("landing", states.onboarded!), { kind: "redirect", to: "/home" });
  assert.deepEqual(decide("public", states.onboarded!), { kind: "redirect", to: "/home" });
  assert.deepEqual(decide("private", states.onboarded!), { kind: "render" });
  assert.deepEqual(decide("onboarding", states.onboarded!), { kind: "redirect", to: "/home" });
});

test("a user without name or username is sent to onboarding from everywhere", () => {
  for (const access of ["landing", "public", "private"] as const) assert.deepEqual(decide(access, states.newUser!), { kind: "redirect", to: "/onboarding" });
  assert.deepEqual(decide("onboarding", states.newUser!), { kind: "render" });
});

test("after signing in, a saved private page is the destination; anything else is refused", () => {
  assert.deepEqual(decide("public", states.onboarded!, "/settings"), { kind: "redirect", to: "/settings" });
  for (const bad of ["//evil.example", "https://evil.example/home", "/sign-in", "/home/../x?y", "javascript:alert(1)"]) {
    assert.equal(safeReturnTo(bad), undefined, bad);
  }
});

test("no redirect loops: from every route and state, following redirects reaches a page that renders in one step", () => {
  for (const [name, state] of Object.entries(states)) {
    for (const [path, access] of Object.entries(routeAccess)) {
      const first = decide(access, state);
      if (first.kind !== "redirect") continue;
      const target = routeAccess[first.to];
      assert.ok(target, `${name} ${path} → ${first.to} is a known route`);
      assert.deepEqual(decide(target, state), { kind: "render" }, `${name}: ${path} → ${first.to} renders`);
    }
  }
});

test("after deleting the account here, the app's pages lead to the start page, which renders", () => {
  const deleted = { status: "signedOut", notice: "Your account was deleted.", deleted: true } as const;
  assert.deepEqual(decide("private", deleted), { kind: "redirect", to: "/" });
  assert.deepEqual(decide("landing", deleted), { kind: "render" });
  assert.deepEqual(decide("onboarding", deleted), { kind: "redirect", to: "/" });
});
