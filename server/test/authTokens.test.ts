import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createSigner } from "fast-jwt";
import { RefreshResponse } from "@easyqr/protocol";
import { hashRefreshToken } from "../src/auth/tokens.ts";
import { call, codeOf, signIn } from "./support/api.ts";
import { createSession, TestSocket } from "./support/client.ts";
import { startServer, type TestServer } from "./support/harness.ts";

const SECRET = "test-secret-".padEnd(40, "x");
let server: TestServer;
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000 }, env: { APP_SECRET: SECRET } })));
after(() => server.close());

const me = (token: string) => call(server, "GET", "/api/users/me", { token });
const refresh = (refreshToken: string) => call(server, "POST", "/api/auth/refresh", { body: { refreshToken } });
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const accessKey = createHash("sha256").update(`access:${SECRET}`).digest();

describe("access tokens", () => {
  test("an access token lives at most 15 minutes and opens /api/users/me", async () => {
    const { tokens, user } = await signIn(server);
    const claims = claimsOf(tokens.accessToken);
    assert.ok((claims.exp as number) - (claims.iat as number) <= 15 * 60);
    assert.equal(claims.sub, user.id);
    const reply = await me(tokens.accessToken);
    assert.equal(reply.status, 200);
    assert.equal((reply.body as { id: string }).id, user.id);
  });

  test("no token, or a malformed header: 401 AUTH_REQUIRED / AUTH_TOKEN_INVALID", async () => {
    assert.equal(codeOf(await call(server, "GET", "/api/users/me")), "AUTH_REQUIRED");
    const reply = await call(server, "GET", "/api/users/me", { headers: { authorization: "Basic abc" } });
    assert.equal(reply.status, 401);
    assert.equal(codeOf(reply), "AUTH_TOKEN_INVALID");
  });

  test("forged tokens are refused: alg none, swapped algorithm, bad signature, wrong audience, a pairing token", async () => {
    const { tokens } = await signIn(server);
    const claims = claimsOf(tokens.accessToken);
    const [header, payload, signature] = tokens.accessToken.split(".") as [string, string, string];
    const forgeries: Record<string, string> = {
      "alg none": `${b64({ alg: "none", typ: "JWT" })}.${payload}.`,
      "alg none, signature kept": `${b64({ alg: "none", typ: "JWT" })}.${payload}.${signature}`,
      "HS512 with the right key": createSigner({ key: accessKey, algorithm: "HS512" })(claims),
      "RS256 header, HMAC signature": `${b64({ alg: "RS256", typ: "JWT" })}.${payload}.${signature}`,
      "bad signature": `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`,
      "changed payload": `${header}.${b64({ ...claims, sub: "someone-else" })}.${signature}`,
      "wrong audience": createSigner({ key: accessKey, algorithm: "HS256" })({ ...claims, aud: "easyqr:pair" }),
      "other key": createSigner({ key: "k".repeat(32), algorithm: "HS256" })(claims),
      "pairing token": (await createSession(server.url)).token,
      garbage: "not.a.jwt",
    };
    for (const [name, token] of Object.entries(forgeries)) {
      const reply = await me(token);
      assert.equal(reply.status, 401, name);
      assert.equal(codeOf(reply), "AUTH_TOKEN_INVALID", name);
    }
  });

  test("an expired access token is refused with AUTH_TOKEN_EXPIRED; refreshing gives a working one", async () => {
    const { tokens } = await signIn(server);
    server.clock.advance(15 * 60_000);
    const expired = await me(tokens.accessToken);
    assert.equal(expired.status, 401);
    assert.equal(codeOf(expired), "AUTH_TOKEN_EXPIRED");
    const renewed = RefreshResponse.parse((await refresh(tokens.refreshToken)).body).tokens;
    assert.equal((await me(renewed.accessToken)).status, 200);
  });
});

describe("refresh tokens", () => {
  test("each refresh rotates: a new refresh token, the session id and absolute end unchanged", async () => {
    const { tokens } = await signIn(server);
    server.clock.advance(60_000);
    const next = RefreshResponse.parse((await refresh(tokens.refreshToken)).body).tokens;
    assert.notEqual(next.refreshToken, tokens.refreshToken);
    assert.equal(next.sessionId, tokens.sessionId);
    assert.equal(next.refreshTokenExpiresAt, tokens.refreshTokenExpiresAt);
    assert.equal(tokens.refreshTokenExpiresAt - server.clock.now() + 60_000, 30 * 24 * 60 * 60_000, "30 days from sign-in");
  });

  test("reusing a spent refresh token revokes the whole family", async () => {
    const { tokens } = await signIn(server);
    const next = RefreshResponse.parse((await refresh(tokens.refreshToken)).body).tokens;
    server.clock.advance(31_000);
    const reuse = await refresh(tokens.refreshToken);
    assert.equal(reuse.status, 401);
    assert.equal(codeOf(reuse), "AUTH_REFRESH_REUSED");
    assert.equal(codeOf(await refresh(next.refreshToken)), "AUTH_SESSION_REVOKED", "the thief's newer token dies too");
    assert.equal(codeOf(await me(next.accessToken)), "AUTH_SESSION_REVOKED");
  });

  test("a refresh whose answer was lost (a reload mid-refresh) is answered again, and only the newest token lives", async () => {
    const { tokens } = await signIn(server);
    const lost = RefreshResponse.parse((await refresh(tokens.refreshToken)).body).tokens;
    server.clock.advance(5_000);
    const again = RefreshResponse.parse((await refresh(tokens.refreshToken)).body).tokens;
    server.clock.advance(5_000);
    const third = RefreshResponse.parse((await refresh(tokens.refreshToken)).body).tokens;
    assert.equal(third.sessionId, tokens.sessionId);
    assert.equal((await me(third.accessToken)).status, 200);
    const newest = RefreshResponse.parse((await refresh(third.refreshToken)).body).tokens;
    assert.equal(codeOf(await refresh(again.refreshToken)), "AUTH_REFRESH_REUSED", "a replaced answer is spent: using it is reuse");
    assert.equal(codeOf(await refresh(newest.refreshToken)), "AUTH_SESSION_REVOKED");
    assert.equal(codeOf(await refresh(lost.refreshToken)), "AUTH_SESSION_REVOKED");
  });

  test("a spent token is not answered again once its replacement was used, or after 30 s", async () => {
    const used = await signIn(server);
    const next = RefreshResponse.parse((await refresh(used.tokens.refreshToken)).body).tokens;
    RefreshResponse.parse((await refresh(next.refreshToken)).body);
    assert.equal(codeOf(await refresh(used.tokens.refreshToken)), "AUTH_REFRESH_REUSED", "the replacement was used");

    const late = await signIn(server);
    RefreshResponse.parse((await refresh(late.tokens.refreshToken)).body);
    server.clock.advance(30_001);
    assert.equal(codeOf(await refresh(late.tokens.refreshToken)), "AUTH_REFRESH_REUSED", "too late");
    assert.ok(server.logs.some((line) => JSON.stringify(line).includes("refresh token reused")));
    assert.ok(!JSON.stringify(server.logs).includes(late.tokens.refreshToken), "the token is not logged");
  });

  test("of parallel refreshes with one token, one of the answers holds the one live token", async () => {
    const { tokens } = await signIn(server);
    const replies = await Promise.all(Array.from({ length: 10 }, () => refresh(tokens.refreshToken)));
    const answered = replies.filter((r) => r.status === 200).map((r) => hashRefreshToken(RefreshResponse.parse(r.body).tokens.refreshToken));
    const rows = await server.app.database.db.selectFrom("refreshTokens").select(["tokenHash", "usedAt"]).where("sessionId", "=", tokens.sessionId).execute();
    const live = rows.filter((row) => row.usedAt === null).map((row) => row.tokenHash);
    assert.equal(live.length, 1, "exactly one unspent token");
    assert.ok(answered.includes(live[0] ?? ""), "and a client holds it");
  });

  test("the session ends 30 days after sign-in however often it is refreshed", async () => {
    let { tokens } = await signIn(server);
    for (let day = 0; day < 29; day += 7) {
      server.clock.advance(7 * 24 * 60 * 60_000);
      const reply = await refresh(tokens.refreshToken);
      if (day + 7 >= 30) {
        assert.equal(codeOf(reply), "AUTH_REFRESH_EXPIRED");
        return;
      }
      tokens = RefreshResponse.parse(reply.body).tokens;
    }
    server.clock.advance(2 * 24 * 60 * 60_000);
    assert.equal(codeOf(await refresh(tokens.refreshToken)), "AUTH_REFRESH_EXPIRED");
  });

  test("refresh tokens are stored hashed", async () => {
    const { tokens } = await signIn(server);
    const rows = await server.app.database.db.selectFrom("refreshTokens").selectAll().where("sessionId", "=", tokens.sessionId).execute();
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(tokens.refreshToken));
  });

  test("unknown refresh tokens are refused", async () => {
    assert.equal(codeOf(await refresh("x".repeat(43))), "AUTH_REFRESH_INVALID");
  });
});

describe("logout", () => {
  test("logout ends this session at once: access and refresh tokens stop working, other sessions live on", async () => {
    const first = await signIn(server);
    const second = await signIn(server, first.email);
    const out = await call(server, "POST", "/api/auth/logout", { token: first.tokens.accessToken, body: {} });
    assert.equal(out.status, 204);
    assert.equal(codeOf(await me(first.tokens.accessToken)), "AUTH_SESSION_REVOKED");
    assert.equal(codeOf(await refresh(first.tokens.refreshToken)), "AUTH_SESSION_REVOKED");
    assert.equal((await me(second.tokens.accessToken)).status, 200);
  });

  test("logout everywhere ends every session of the user", async () => {
    const first = await signIn(server);
    const second = await signIn(server, first.email);
    assert.equal((await call(server, "POST", "/api/auth/logout", { token: first.tokens.accessToken, body: { everywhere: true } })).status, 204);
    assert.equal(codeOf(await me(second.tokens.accessToken)), "AUTH_SESSION_REVOKED");
  });
});

describe("sockets of signed-in users", () => {
  test("the {accessToken} handshake authenticates the socket", async () => {
    const { tokens, user } = await signIn(server);
    const socket = await TestSocket.hello(server.url, { accessToken: tokens.accessToken });
    const hello = await socket.next("AUTHENTICATED");
    assert.deepEqual(hello, { type: "AUTHENTICATED", userId: user.id, sessionId: tokens.sessionId });
    socket.send({ type: "SCAN", scan: { id: "a", text: "x", format: "QRCode", scannedAt: 1 } });
    assert.equal((await socket.next("ACK")).error?.code, "FRAME_INVALID", "pairing frames are not for user sockets");
    socket.close();
  });

  test("bad and expired access tokens are refused at the handshake", async () => {
    const bad = await TestSocket.hello(server.url, { accessToken: "not.a.jwt" });
    assert.equal(await bad.failure(), "AUTH_TOKEN_INVALID");
    const { tokens } = await signIn(server);
    server.clock.advance(15 * 60_000);
    const expired = await TestSocket.hello(server.url, { accessToken: tokens.accessToken });
    assert.equal(await expired.failure(), "AUTH_TOKEN_EXPIRED");
  });

  test("logging out drops the session's sockets at once", async () => {
    const { tokens } = await signIn(server);
    const socket = await TestSocket.hello(server.url, { accessToken: tokens.accessToken });
    await socket.next("AUTHENTICATED");
    await call(server, "POST", "/api/auth/logout", { token: tokens.accessToken, body: {} });
    assert.equal(await socket.failure(1000), "AUTH_SESSION_REVOKED");
    assert.equal(socket.closed?.code, 4003);
  });

  test("a socket does not outlive its session's 30 days", async () => {
    const { tokens } = await signIn(server);
    const socket = await TestSocket.hello(server.url, { accessToken: tokens.accessToken });
    await socket.next("AUTHENTICATED");
    server.clock.advance(30 * 24 * 60 * 60_000);
    assert.equal(await socket.failure(5000), "AUTH_SESSION_REVOKED");
  });

  test("a session revoked elsewhere (another node) drops its sockets within 5 s", async () => {
    const { tokens } = await signIn(server);
    const socket = await TestSocket.hello(server.url, { accessToken: tokens.accessToken });
    await socket.next("AUTHENTICATED");
    // Straight in the database, as another server process would: this process is not told.
    await server.app.database.db
      .updateTable("authSessions")
      .set({ revokedAt: server.clock.now(), revokedReason: "logout" })
      .where("id", "=", tokens.sessionId)
      .execute();
    const started = Date.now();
    assert.equal(await socket.failure(5000), "AUTH_SESSION_REVOKED");
    assert.ok(Date.now() - started <= 5000);
  });
});
