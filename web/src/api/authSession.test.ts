import assert from "node:assert/strict";
import { test } from "node:test";
import { routes, type AuthTokens, type ErrorCode } from "@easyqr/protocol";
import { ApiError } from "./http.ts";
import { MemoryStorage } from "./storage.ts";
import { AuthSession } from "./authSession.ts";
import { SESSION_KEY } from "./sessionKey.ts";

/**
 * A fake server with the real rules: access tokens expire, refresh tokens are single-use and
 * rotate, reusing a spent one revokes the session. It counts calls per path.
 */
class FakeServer {
  calls: Record<string, number> = {};
  live = new Set<string>();
  spent = new Set<string>();
  refreshTokens = new Set<string>();
  revoked = false;
  /** Refresh answers wait for this (to hold a refresh in flight). */
  gate: Promise<void> = Promise.resolve();
  refreshFailure: { status: number; code: ErrorCode } | "network" | undefined;
  private n = 0;

  issue(): AuthTokens {
    this.n += 1;
    const tokens = { accessToken: `a${this.n}`, accessTokenExpiresAt: 1, refreshToken: `r${this.n}`, refreshTokenExpiresAt: 2, sessionId: "s" };
    this.live.add(tokens.accessToken);
    this.refreshTokens.add(tokens.refreshToken);
    return tokens;
  }

  expireAccess(): void {
    this.live.clear();
  }

  readonly fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const path = new URL(url, "http://x").pathname;
    this.calls[path] = (this.calls[path] ?? 0) + 1;
    if (path === "/api/auth/refresh") {
      await this.gate;
      if (this.refreshFailure === "network") throw new TypeError("fetch failed");
      if (this.refreshFailure) return fail(this.refreshFailure.status, this.refreshFailure.code);
      const { refreshToken } = JSON.parse(init?.body as string) as { refreshToken: string };
      if (this.revoked) return fail(401, "AUTH_SESSION_REVOKED");
      if (this.spent.has(refreshToken)) {
        this.revoked = true;
        return fail(401, "AUTH_REFRESH_REUSED");
      }
      if (!this.refreshTokens.has(refreshToken)) return fail(401, "AUTH_REFRESH_INVALID");
      this.refreshTokens.delete(refreshToken);
      this.spent.add(refreshToken);
      return json(200, { tokens: this.issue() });
    }
    const token = new Headers(init?.headers).get("authorization")?.replace("Bearer ", "");
    if (this.revoked) return fail(401, "AUTH_SESSION_REVOKED");
    if (!token || !this.live.has(token)) return fail(401, "AUTH_TOKEN_EXPIRED");
    return json(200, meFor(token));
  };
}

/** The signed-in user as the fake server answers: named after the access token it saw. */
function meFor(token: string) {
  return {
    id: "u",
    name: token,
    username: null,
    bio: null,
    avatar: null,
    email: null,
    phone: null,
    createdAt: 1,
    onboarded: true,
    hideLastSeen: false,
    bioVisibility: "connections",
  };
}

/** A signed call through the session's client: whose token the server saw. */
async function whoami(session: AuthSession): Promise<{ ok: string | null }> {
  return { ok: (await session.api.call(routes.users.me)).name };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status });
}
function fail(status: number, code: ErrorCode): Response {
  return json(status, { error: { code, message: code } });
}

function setup() {
  const server = new FakeServer();
  const storage = new MemoryStorage();
  const ended: ErrorCode[] = [];
  const session = new AuthSession({ storage, fetch: server.fetch, onEnded: (code) => ended.push(code) });
  return { server, storage, ended, session };
}

test("a call carries the access token; no refresh while it is valid", async () => {
  const { server, session } = setup();
  session.start(server.issue());
  assert.deepEqual(await whoami(session), { ok: "a1" });
  assert.equal(server.calls["/api/auth/refresh"], undefined);
});

test("an expired access token is refreshed once for many concurrent calls, and each call is retried once", async () => {
  const { server, session, storage } = setup();
  session.start(server.issue());
  server.expireAccess();
  const results = await Promise.all(Array.from({ length: 5 }, () => whoami(session)));
  assert.deepEqual(
    results,
    Array.from({ length: 5 }, () => ({ ok: "a2" })),
  );
  assert.equal(server.calls["/api/auth/refresh"], 1, "exactly one refresh");
  assert.equal(server.calls["/api/users/me"], 10, "each call: the refused try and one retry");
  assert.match(storage.getItem(SESSION_KEY) ?? "", /"refreshToken":"r2"/, "the rotated refresh token is kept");
});

test("a call that is refused again after the refresh is not retried a second time", async () => {
  const { server } = setup();
  // The server keeps refusing every access token: exactly one refresh and one retry, then the error.
  const refusing = new AuthSession({
    storage: new MemoryStorage(),
    fetch: (url, init) => (url.endsWith("/refresh") ? server.fetch(url, init) : Promise.resolve(fail(401, "AUTH_TOKEN_EXPIRED"))),
  });
  refusing.start(server.issue());
  await assert.rejects(whoami(refusing), (e: unknown) => e instanceof ApiError && e.code === "AUTH_TOKEN_EXPIRED");
  assert.equal(server.calls["/api/auth/refresh"], 1);
});

test("after a reload (no access token in memory) the first call refreshes first", async () => {
  const { server, storage } = setup();
  const before = new AuthSession({ storage, fetch: server.fetch });
  before.start(server.issue());
  const reloaded = new AuthSession({ storage, fetch: server.fetch });
  assert.equal(reloaded.hasSession(), true);
  assert.deepEqual(await Promise.all([whoami(reloaded), whoami(reloaded)]), [{ ok: "a2" }, { ok: "a2" }]);
  assert.equal(server.calls["/api/auth/refresh"], 1);
  assert.equal(server.calls["/api/users/me"], 2, "no wasted try with a missing token");
});

test("a call refused while a refresh is already in flight joins it instead of spending the refresh token again", async () => {
  const { server, session } = setup();
  session.start(server.issue());
  server.expireAccess();
  let open!: () => void;
  server.gate = new Promise((resolve) => (open = resolve));
  const first = whoami(session);
  await new Promise((r) => setTimeout(r, 5));
  const second = whoami(session);
  await new Promise((r) => setTimeout(r, 5));
  open();
  assert.deepEqual(await Promise.all([first, second]), [{ ok: "a2" }, { ok: "a2" }]);
  assert.equal(server.calls["/api/auth/refresh"], 1);
  assert.equal(server.revoked, false, "no reuse detected");
});

test("a dead refresh token ends the session: tokens forgotten, onEnded told why", async () => {
  for (const code of ["AUTH_REFRESH_INVALID", "AUTH_REFRESH_EXPIRED", "AUTH_REFRESH_REUSED", "AUTH_SESSION_REVOKED"] as const) {
    const { server, session, storage, ended } = setup();
    session.start(server.issue());
    server.expireAccess();
    server.refreshFailure = { status: 401, code };
    await assert.rejects(whoami(session), (e: unknown) => e instanceof ApiError && e.code === code);
    assert.deepEqual(ended, [code], code);
    assert.equal(storage.getItem(SESSION_KEY), null, code);
    assert.equal(session.hasSession(), false, code);
  }
});

test("a revoked session on an ordinary call ends the session too", async () => {
  const { server, session, ended } = setup();
  session.start(server.issue());
  server.revoked = true;
  await assert.rejects(whoami(session), (e: unknown) => e instanceof ApiError && e.code === "AUTH_SESSION_REVOKED");
  assert.deepEqual(ended, ["AUTH_SESSION_REVOKED"]);
});

test("a network failure while refreshing keeps the session for a later try", async () => {
  const { server, session, ended } = setup();
  session.start(server.issue());
  server.expireAccess();
  server.refreshFailure = "network";
  await assert.rejects(whoami(session), (e: unknown) => e instanceof ApiError && e.code === "NETWORK");
  assert.equal(session.hasSession(), true);
  assert.deepEqual(ended, []);
  server.refreshFailure = undefined;
  assert.deepEqual(await whoami(session), { ok: "a2" });
});

test("a logout during a refresh is not undone by the refresh's answer", async () => {
  const { server, session } = setup();
  session.start(server.issue());
  server.expireAccess();
  let open!: () => void;
  server.gate = new Promise((resolve) => (open = resolve));
  const pending = whoami(session);
  await new Promise((r) => setTimeout(r, 5));
  session.clear();
  open();
  await assert.rejects(pending);
  assert.equal(session.hasSession(), false);
});

test("refreshes in two tabs run one at a time and each reads the newest refresh token", async () => {
  const { server, storage } = setup();
  let chain = Promise.resolve();
  const lock = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task);
    chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  const tabA = new AuthSession({ storage, fetch: server.fetch, lock });
  tabA.start(server.issue());
  const tabB = new AuthSession({ storage, fetch: server.fetch, lock });
  server.expireAccess();
  await Promise.all([whoami(tabA), whoami(tabB)]);
  assert.equal(server.revoked, false, "no refresh token was used twice");
  assert.equal(server.calls["/api/auth/refresh"], 2);
});

test("a key-bound session signs each refresh with the signer; other sessions never call it", async () => {
  const server = new FakeServer();
  const bodies: unknown[] = [];
  const fetch = (url: string, init?: RequestInit) => {
    if (url.endsWith("/api/auth/refresh")) bodies.push(JSON.parse(init?.body as string));
    return server.fetch(url, init);
  };
  const proved: string[] = [];
  let forgotten = 0;
  const signer = {
    prove: (refreshToken: string) => {
      proved.push(refreshToken);
      return Promise.resolve({ at: 42, signature: `sig-of-${refreshToken}` });
    },
    forget: () => {
      forgotten += 1;
      return Promise.resolve();
    },
  };
  const storage = new MemoryStorage();
  const session = new AuthSession({ storage, fetch, signer });

  session.start(server.issue());
  await session.refresh();
  assert.deepEqual(bodies, [{ refreshToken: "r1" }], "a phone's session sends no proof");
  assert.deepEqual(proved, []);

  session.start(server.issue(), true);
  assert.equal(session.isKeyBound(), true);
  await session.refresh();
  await session.refresh();
  assert.deepEqual(bodies.slice(1), [
    { refreshToken: "r3", proof: { at: 42, signature: "sig-of-r3" } },
    { refreshToken: "r4", proof: { at: 42, signature: "sig-of-r4" } },
  ]);
  assert.equal(session.isKeyBound(), true, "the rotated session stays key-bound");
  session.clear();
  assert.equal(forgotten, 1, "signing out forgets the key");
});

test("a key-bound session whose key is gone ends instead of refreshing without proof", async () => {
  const server = new FakeServer();
  const ended: ErrorCode[] = [];
  const signer = { prove: () => Promise.resolve(undefined), forget: () => Promise.resolve() };
  const session = new AuthSession({ storage: new MemoryStorage(), fetch: server.fetch, signer, onEnded: (code) => ended.push(code) });
  session.start(server.issue(), true);
  server.expireAccess();
  await assert.rejects(whoami(session), { code: "AUTH_REFRESH_INVALID" });
  assert.equal(server.calls["/api/auth/refresh"], undefined, "nothing was sent without a proof");
  assert.deepEqual(ended, ["AUTH_REFRESH_INVALID"]);
  assert.equal(session.hasSession(), false);
});

test("a computer whose clock is off signs once more on the server's time; refused again, its session ends", async () => {
  const server = new FakeServer();
  const serverTime = 1_000_000;
  let acceptedKey = "k1";
  const sentAt: number[] = [];
  const fetch = (url: string, init?: RequestInit) => {
    if (url.endsWith("/api/auth/refresh")) {
      const { proof } = JSON.parse(init?.body as string) as { proof: { at: number; signature: string } };
      sentAt.push(proof.at);
      if (proof.at !== serverTime || proof.signature !== acceptedKey) {
        return Promise.resolve(json(401, { error: { code: "AUTH_PROOF_INVALID", message: "no", data: { serverTime } } }));
      }
    }
    return server.fetch(url, init);
  };
  const ended: ErrorCode[] = [];
  const signer = { prove: (_token: string, at = 5) => Promise.resolve({ at, signature: "k1" }), forget: () => Promise.resolve() };
  const session = new AuthSession({ storage: new MemoryStorage(), fetch, signer, onEnded: (code) => ended.push(code) });
  session.start(server.issue(), true);
  await session.refresh();
  assert.deepEqual(sentAt, [5, serverTime], "signed on its own clock, then on the server's");
  assert.equal(session.hasSession(), true);

  acceptedKey = "k2";
  await assert.rejects(session.refresh(), { code: "AUTH_REFRESH_INVALID" });
  assert.deepEqual(sentAt.slice(2), [5, serverTime], "one more try, never a loop");
  assert.deepEqual(ended, ["AUTH_REFRESH_INVALID"]);
  assert.equal(session.hasSession(), false);
});
