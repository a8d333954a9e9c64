import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Me, PublicUser, RequestCodeResponse, UsernameAvailability } from "@easyqr/protocol";
import { call, codeOf, loggedCode, makeUser, newEmail, signIn } from "./support/api.ts";
import { TestSocket } from "./support/client.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000 } })));
after(() => server.close());

let n = 0;
const uniqueName = (base: string) => `${base}_${++n}_${process.pid % 1000}`;
const patch = (token: string, body: object) => call(server, "PATCH", "/api/users/me", { token, body });

describe("profile", () => {
  test("GET /api/users/me returns the signed-in user; a new user is not onboarded yet", async () => {
    const { tokens, user, email } = await signIn(server);
    const me = Me.parse((await call(server, "GET", "/api/users/me", { token: tokens.accessToken })).body);
    assert.equal(me.id, user.id);
    assert.equal(me.email, email);
    assert.equal(me.onboarded, false);
  });

  test("name, username and bio are updated; onboarding is done once name and username are set", async () => {
    const { tokens } = await signIn(server);
    const username = uniqueName("alice");
    const me = Me.parse((await patch(tokens.accessToken, { name: "  Alice Liddell ", username: username.toUpperCase(), bio: "Down the rabbit hole" })).body);
    assert.equal(me.name, "Alice Liddell");
    assert.equal(me.username, username, "usernames are lower-cased");
    assert.equal(me.bio, "Down the rabbit hole");
    assert.equal(me.onboarded, true);
    const cleared = Me.parse((await patch(tokens.accessToken, { bio: null })).body);
    assert.equal(cleared.bio, null);
    assert.equal(cleared.name, "Alice Liddell", "fields left out stay");
  });

  test("limits: name 1–64, username 3–32 of a-z 0-9 _, bio ≤ 140", async () => {
    const { tokens } = await signIn(server);
    const bad = [
      { name: "" },
      { name: "   " },
      { name: "x".repeat(65) },
      { username: "ab" },
      { username: "x".repeat(33) },
      { username: "bad-name" },
      { username: "bad name" },
      { username: "émile" },
      { bio: "x".repeat(141) },
      { email: "x@y.z" },
    ];
    for (const body of bad) {
      const reply = await patch(tokens.accessToken, body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(codeOf(reply), "VALIDATION");
    }
    const ok = await patch(tokens.accessToken, { name: "x".repeat(64), username: `a_${"1".repeat(30)}`.slice(0, 32), bio: "b".repeat(140) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test("a username taken in any case is a 409 USERNAME_TAKEN", async () => {
    const username = uniqueName("bob");
    await makeUser(server, username);
    const other = await signIn(server);
    const reply = await patch(other.tokens.accessToken, { username: username.toUpperCase() });
    assert.equal(reply.status, 409);
    assert.equal(codeOf(reply), "USERNAME_TAKEN");
  });

  test("two users claiming one username at once: one wins, the other gets 409", async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([signIn(server), signIn(server)]);
      const username = uniqueName("race");
      const replies = await Promise.all([patch(a.tokens.accessToken, { username }), patch(b.tokens.accessToken, { username: username.toUpperCase() })]);
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409]);
      assert.equal(codeOf(replies.find((r) => r.status === 409) ?? replies[0]), "USERNAME_TAKEN");
    }
  });

  test("username availability: free, taken, invalid; your own counts as free", async () => {
    const username = uniqueName("carol");
    const carol = await makeUser(server, username);
    const other = await signIn(server);
    const check = async (token: string, name: string) =>
      UsernameAvailability.parse((await call(server, "GET", `/api/users/username-available?username=${encodeURIComponent(name)}`, { token })).body);
    assert.deepEqual(await check(other.tokens.accessToken, username.toUpperCase()), { username, available: false, reason: "taken" });
    assert.deepEqual(await check(other.tokens.accessToken, `${username}x`), { username: `${username}x`, available: true });
    assert.equal((await check(other.tokens.accessToken, "no")).reason, "invalid");
    assert.equal((await check(carol.tokens.accessToken, username)).available, true);
  });

  test("looking up a user by username shows a stranger name, username and avatar only", async () => {
    const username = uniqueName("dave");
    const dave = await makeUser(server, username, "Dave");
    assert.equal((await patch(dave.tokens.accessToken, { bio: "Private bio" })).status, 200);
    const viewer = await signIn(server);
    const reply = await call(server, "GET", `/api/users/by-username/${username.toUpperCase()}`, { token: viewer.tokens.accessToken });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.body as object).sort(), ["avatar", "bio", "id", "name", "username"]);
    assert.deepEqual(PublicUser.parse(reply.body), { id: dave.user.id, name: "Dave", username, bio: null, avatar: null }, "the bio is for connections");
    assert.ok(!JSON.stringify(reply.body).includes("Private bio"));
    assert.ok(!JSON.stringify(reply.body).includes(dave.email));
    const missing = await call(server, "GET", `/api/users/by-username/${uniqueName("nobody")}`, { token: viewer.tokens.accessToken });
    assert.equal(missing.status, 404);
    assert.equal(codeOf(missing), "USERNAME_NOT_FOUND");
    assert.equal(codeOf(await call(server, "GET", `/api/users/by-username/${username}`)), "AUTH_REQUIRED");
  });
});

describe("bad input", () => {
  test("bad query strings, path parameters and bodies get a 400 in the one error shape", async () => {
    const { tokens } = await signIn(server);
    const token = tokens.accessToken;
    const replies: [Awaited<ReturnType<typeof call>>, string][] = [
      [await call(server, "GET", "/api/users/username-available", { token }), "VALIDATION"],
      [await call(server, "GET", `/api/users/username-available?username=${"x".repeat(70)}`, { token }), "VALIDATION"],
      [await call(server, "GET", "/api/users/by-username/a", { token }), "VALIDATION"],
      [await call(server, "PATCH", "/api/users/me", { token, body: ["name"] }), "VALIDATION"],
      [await call(server, "PATCH", "/api/users/me", { token, headers: { "content-type": "application/json" } }), "BAD_REQUEST"],
      [await call(server, "POST", "/api/auth/verify-code", { body: { requestId: "x", code: "12345" } }), "VALIDATION"],
      [await call(server, "POST", "/api/auth/refresh", { body: {} }), "VALIDATION"],
    ];
    for (const [reply, code] of replies) {
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.equal(codeOf(reply), code, JSON.stringify(reply.body));
      assert.ok(!JSON.stringify(reply.body).includes("    at "));
    }
  });
});

describe("changing email or phone", () => {
  const requestChange = (token: string, body: object) => call(server, "POST", "/api/users/me/identifier", { token, body });
  const confirm = (token: string, requestId: string, code: string) =>
    call(server, "POST", "/api/users/me/identifier/verify", { token, body: { requestId, code } });

  test("a new email becomes the user's only after its code is confirmed", async () => {
    const { tokens, email } = await signIn(server);
    const next = newEmail("moved");
    const { requestId } = RequestCodeResponse.parse((await requestChange(tokens.accessToken, { email: next })).body);
    const before = Me.parse((await call(server, "GET", "/api/users/me", { token: tokens.accessToken })).body);
    assert.equal(before.email, email, "unchanged until confirmed");
    const code = loggedCode(server, next);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    assert.equal(codeOf(await confirm(tokens.accessToken, requestId, wrong)), "AUTH_CODE_INVALID");
    const me = Me.parse((await confirm(tokens.accessToken, requestId, code)).body);
    assert.equal(me.email, next);
    // The new address signs in to the same account; the old one would make a new account.
    assert.equal((await signIn(server, next)).user.id, me.id);
  });

  test("a phone number can be added the same way", async () => {
    const { tokens } = await signIn(server);
    const { requestId } = RequestCodeResponse.parse((await requestChange(tokens.accessToken, { phone: "+44 20 7946 0999" })).body);
    const me = Me.parse((await confirm(tokens.accessToken, requestId, loggedCode(server, "+442079460999"))).body);
    assert.equal(me.phone, "+442079460999");
  });

  test("an address another account uses is refused at confirmation with 409; the code is not spent, and works once the address is free", async () => {
    const holder = await signIn(server);
    const taken = holder.email;
    const { tokens } = await signIn(server);
    const { requestId } = RequestCodeResponse.parse((await requestChange(tokens.accessToken, { email: taken })).body);
    const code = loggedCode(server, taken);
    const reply = await confirm(tokens.accessToken, requestId, code);
    assert.equal(reply.status, 409);
    assert.equal(codeOf(reply), "EMAIL_TAKEN");
    assert.equal((await call(server, "DELETE", "/api/users/me", { token: holder.tokens.accessToken })).status, 204);
    const me = Me.parse((await confirm(tokens.accessToken, requestId, code)).body);
    assert.equal(me.email, taken);
  });

  test("change codes and sign-in codes do not stand in for each other, nor for another user", async () => {
    const a = await signIn(server);
    const b = await signIn(server);
    const next = newEmail("swap");
    const { requestId } = RequestCodeResponse.parse((await requestChange(a.tokens.accessToken, { email: next })).body);
    const code = loggedCode(server, next);
    assert.equal(codeOf(await call(server, "POST", "/api/auth/verify-code", { body: { requestId, code } })), "AUTH_CODE_INVALID");
    assert.equal(codeOf(await confirm(b.tokens.accessToken, requestId, code)), "AUTH_CODE_INVALID");
    assert.equal((await confirm(a.tokens.accessToken, requestId, code)).status, 200);
  });
});

describe("deleting the account", () => {
  test("revokes every session, drops sockets, frees the username; the email then makes a new account", async () => {
    const username = uniqueName("erin");
    const erin = await makeUser(server, username);
    const other = await signIn(server, erin.email);
    const socket = await TestSocket.hello(server.url, { accessToken: other.tokens.accessToken });
    await socket.next("AUTHENTICATED");
    const reply = await call(server, "DELETE", "/api/users/me", { token: erin.tokens.accessToken });
    assert.equal(reply.status, 204);
    assert.equal(await socket.failure(1000), "AUTH_SESSION_REVOKED");
    assert.equal(codeOf(await call(server, "GET", "/api/users/me", { token: other.tokens.accessToken })), "AUTH_SESSION_REVOKED");
    assert.equal(codeOf(await call(server, "POST", "/api/auth/refresh", { body: { refreshToken: erin.tokens.refreshToken } })), "AUTH_REFRESH_INVALID");
    const again = await makeUser(server, username);
    assert.notEqual(again.user.id, erin.user.id);
    assert.equal(again.email === erin.email, false);
    const back = await signIn(server, erin.email);
    assert.notEqual(back.user.id, erin.user.id);
    const sessions = await server.app.database.db.selectFrom("authSessions").select("id").where("userId", "=", erin.user.id).execute();
    assert.equal(sessions.length, 0);
  });
});
