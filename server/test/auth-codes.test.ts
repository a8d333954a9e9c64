import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RequestCodeResponse, VerifyCodeResponse } from "@easyqr/protocol";
import { call, codeOf, loggedCode, newEmail, signIn } from "./support/api.ts";
import { startServer, type TestServer } from "./support/harness.ts";

const roomy = { sendsPerIp: 10_000 };
let server: TestServer;
before(async () => (server = await startServer({ authLimits: roomy, env: { DEFAULT_REGION: "GB" } })));
after(() => server.close());

async function requestCode(target: TestServer, body: object, headers?: Record<string, string>) {
  const reply = await call(target, "POST", "/api/auth/request-code", { body, ...(headers ? { headers } : {}) });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return RequestCodeResponse.parse(reply.body);
}

const verify = (target: TestServer, requestId: string, code: string) => call(target, "POST", "/api/auth/verify-code", { body: { requestId, code } });

/** A 6-digit code that is not `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("sign-in by one-time code", () => {
  test("the console driver logs one line `OTP for <identifier>: <code>`; the answer never carries the code", async () => {
    const email = newEmail();
    const reply = await call(server, "POST", "/api/auth/request-code", { body: { email } });
    const code = loggedCode(server, email);
    assert.match(code, /^[0-9]{6}$/);
    assert.ok(!JSON.stringify(reply.body).includes(code));
    const { expiresAt, codeLength } = RequestCodeResponse.parse(reply.body);
    assert.equal(codeLength, 6);
    assert.equal(expiresAt, server.clock.now() + 10 * 60_000, "valid 10 minutes");
  });

  test("the first verification creates the user; the next sign-in finds the same one", async () => {
    const email = newEmail();
    const first = await signIn(server, email);
    assert.equal(first.user.email, email);
    assert.equal(first.user.onboarded, false);
    const { requestId } = await requestCode(server, { email });
    const again = VerifyCodeResponse.parse((await verify(server, requestId, loggedCode(server, email))).body);
    assert.equal(again.user.id, first.user.id);
    assert.equal(again.isNewUser, false);
  });

  test("identifiers are normalised: email case, and phones to E.164 with the default region", async () => {
    const lower = newEmail("mixed");
    const a = await signIn(server, lower);
    const { requestId } = await requestCode(server, { email: `  ${lower.toUpperCase()} ` });
    const b = VerifyCodeResponse.parse((await verify(server, requestId, loggedCode(server, lower))).body);
    assert.equal(b.user.id, a.user.id);

    const national = await requestCode(server, { phone: "020 7946 0123" });
    const viaNational = VerifyCodeResponse.parse((await verify(server, national.requestId, loggedCode(server, "+442079460123"))).body);
    assert.equal(viaNational.user.phone, "+442079460123");
    const international = await requestCode(server, { phone: "+44 (20) 7946-0123" });
    const viaInternational = VerifyCodeResponse.parse((await verify(server, international.requestId, loggedCode(server, "+442079460123"))).body);
    assert.equal(viaInternational.user.id, viaNational.user.id);
  });

  test("bad identifiers are refused with a clear 400", async () => {
    for (const body of [{ email: "not-an-email" }, { phone: "12" }, { phone: "+44 20 79" }, { email: "a@b.co", phone: "+442079460000" }, {}]) {
      const reply = await call(server, "POST", "/api/auth/request-code", { body });
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.ok(["VALIDATION", "IDENTIFIER_INVALID"].includes(codeOf(reply) ?? ""), JSON.stringify(reply.body));
    }
  });

  test("known and unknown identifiers get the same status and the same answer", async () => {
    const known = (await signIn(server)).email;
    const shape = (body: unknown) => JSON.stringify(body, (key, value: unknown) => (key === "requestId" ? "<id>" : value));
    const a = await call(server, "POST", "/api/auth/request-code", { body: { email: known } });
    const b = await call(server, "POST", "/api/auth/request-code", { body: { email: newEmail("unknown") } });
    assert.equal(a.status, b.status);
    assert.equal(shape(a.body), shape(b.body));
    const wrongA = await verify(server, (a.body as { requestId: string }).requestId, "000000");
    const wrongB = await verify(server, (b.body as { requestId: string }).requestId, "000000");
    assert.equal(wrongA.status, wrongB.status);
    assert.deepEqual(wrongA.body, wrongB.body);
  });

  test("a code expires after 10 minutes", async () => {
    const email = newEmail();
    const { requestId } = await requestCode(server, { email });
    server.clock.advance(10 * 60_000);
    const reply = await verify(server, requestId, loggedCode(server, email));
    assert.equal(codeOf(reply), "AUTH_CODE_EXPIRED");
    assert.equal(reply.status, 410);
  });

  test("a code is bound to its request: another request's id does not take it", async () => {
    const a = newEmail();
    const b = newEmail();
    await requestCode(server, { email: a });
    const other = await requestCode(server, { email: b });
    assert.equal(codeOf(await verify(server, other.requestId, loggedCode(server, a))), "AUTH_CODE_INVALID");
    assert.equal((await verify(server, other.requestId, loggedCode(server, b))).status, 200);
  });

  test("a code works once", async () => {
    const email = newEmail();
    const { requestId } = await requestCode(server, { email });
    const code = loggedCode(server, email);
    assert.equal((await verify(server, requestId, code)).status, 200);
    assert.equal(codeOf(await verify(server, requestId, code)), "AUTH_CODE_USED");
  });

  test("5 wrong tries lock the code: then even the right one is refused", async () => {
    const email = newEmail();
    const { requestId } = await requestCode(server, { email });
    const code = loggedCode(server, email);
    for (let left = 4; left >= 1; left--) {
      const reply = await verify(server, requestId, wrong(code));
      assert.equal(codeOf(reply), "AUTH_CODE_INVALID");
      assert.deepEqual((reply.body as { error: { data: unknown } }).error.data, { attemptsLeft: left });
    }
    assert.equal(codeOf(await verify(server, requestId, wrong(code))), "AUTH_CODE_LOCKED");
    server.clock.advance(60_000);
    const locked = await verify(server, requestId, code);
    assert.equal(codeOf(locked), "AUTH_CODE_LOCKED");
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get("retry-after"), String(9 * 60), "until the request expires");
  });

  test("resending replaces the code but does not reset the failure count", async () => {
    const email = newEmail();
    const first = await requestCode(server, { email });
    const oldCode = loggedCode(server, email);
    for (let i = 0; i < 3; i++) await verify(server, first.requestId, wrong(oldCode));
    const resent = await requestCode(server, { email });
    assert.equal(resent.requestId, first.requestId, "a resend continues the same request");
    const newCode = loggedCode(server, email);
    if (newCode !== oldCode) assert.equal(codeOf(await verify(server, first.requestId, oldCode)), "AUTH_CODE_INVALID", "the old code is replaced");
    else await verify(server, first.requestId, wrong(newCode));
    assert.equal(codeOf(await verify(server, first.requestId, wrong(newCode))), "AUTH_CODE_LOCKED");
    assert.equal(codeOf(await verify(server, first.requestId, newCode)), "AUTH_CODE_LOCKED");
    // A locked request stays locked when asked again; nothing new is sent.
    const logged = server.logs.length;
    const again = await requestCode(server, { email });
    assert.equal(again.requestId, first.requestId);
    assert.ok(!server.logs.slice(logged).some((l) => l.msg.startsWith(`OTP for ${email}`)));
    // Once it expires a new request starts over.
    server.clock.advance(10 * 60_000);
    server.clock.advance(15 * 60_000);
    const fresh = await requestCode(server, { email });
    assert.notEqual(fresh.requestId, first.requestId);
    assert.equal((await verify(server, fresh.requestId, loggedCode(server, email))).status, 200);
  });

  test("20 parallel verifications with the right code make exactly one session", async () => {
    const email = newEmail();
    const { requestId } = await requestCode(server, { email });
    const code = loggedCode(server, email);
    const replies = await Promise.all(Array.from({ length: 20 }, () => verify(server, requestId, code)));
    assert.equal(replies.filter((r) => r.status === 200).length, 1, JSON.stringify(replies.map((r) => codeOf(r) ?? r.status)));
    const user = VerifyCodeResponse.parse(replies.find((r) => r.status === 200)?.body).user;
    const sessions = await server.app.database.db.selectFrom("authSessions").select("id").where("userId", "=", user.id).execute();
    assert.equal(sessions.length, 1);
  });

  test("the same holds when all 20 reach the database in one tick (no HTTP parsing between them)", async () => {
    const email = newEmail();
    const { requestId } = await requestCode(server, { email });
    const code = loggedCode(server, email);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => server.app.auth.verifyCode(requestId, code, undefined)));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  });

  test("20 parallel wrong guesses use up at most 5 tries", async () => {
    const email = newEmail();
    const { requestId } = await requestCode(server, { email });
    const code = loggedCode(server, email);
    const replies = await Promise.all(Array.from({ length: 20 }, () => verify(server, requestId, wrong(code))));
    assert.equal(replies.filter((r) => codeOf(r) === "AUTH_CODE_INVALID").length, 4);
    assert.equal(replies.filter((r) => codeOf(r) === "AUTH_CODE_LOCKED").length, 16);
    const row = await server.app.database.db.selectFrom("otpChallenges").select("attempts").where("id", "=", requestId).executeTakeFirstOrThrow();
    assert.equal(row.attempts, 5);
  });

  test("codes are stored only as an HMAC", async () => {
    const email = newEmail();
    const { requestId } = await requestCode(server, { email });
    const row = await server.app.database.db.selectFrom("otpChallenges").selectAll().where("id", "=", requestId).executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(loggedCode(server, email)));
    assert.match(row.codeHash, /^[A-Za-z0-9_-]{43}$/);
  });
});

describe("code rate limits", () => {
  test("3 sends per identifier per 15 minutes, then 429 with Retry-After", async () => {
    const limited = await startServer({ authLimits: roomy });
    try {
      const email = newEmail();
      for (let i = 0; i < 3; i++) await requestCode(limited, { email });
      limited.clock.advance(5 * 60_000);
      const refused = await call(limited, "POST", "/api/auth/request-code", { body: { email } });
      assert.equal(refused.status, 429);
      assert.equal(codeOf(refused), "RATE_LIMITED");
      assert.equal(refused.headers.get("retry-after"), String(10 * 60));
      // Refused requests do not count; other identifiers are not affected.
      for (let i = 0; i < 3; i++) assert.equal((await call(limited, "POST", "/api/auth/request-code", { body: { email } })).status, 429);
      await requestCode(limited, { email: newEmail() });
      // Once the window has passed the identifier has its 3 sends again.
      limited.clock.advance(10 * 60_000);
      for (let i = 0; i < 3; i++) await requestCode(limited, { email });
    } finally {
      await limited.close();
    }
  });

  test("20 sends per IP per hour, then 429 with Retry-After", async () => {
    const limited = await startServer();
    try {
      for (let i = 0; i < 20; i++) await requestCode(limited, { email: newEmail() });
      const refused = await call(limited, "POST", "/api/auth/request-code", { body: { email: newEmail() } });
      assert.equal(refused.status, 429);
      assert.equal(codeOf(refused), "RATE_LIMITED");
      assert.equal(refused.headers.get("retry-after"), String(60 * 60));
      limited.clock.advance(60 * 60_000);
      await requestCode(limited, { email: newEmail() });
    } finally {
      await limited.close();
    }
  });

  test("parallel requests cannot slip past the per-identifier limit", async () => {
    const limited = await startServer({ authLimits: roomy });
    try {
      const email = newEmail();
      const replies = await Promise.all(Array.from({ length: 10 }, () => call(limited, "POST", "/api/auth/request-code", { body: { email } })));
      assert.equal(replies.filter((r) => r.status === 200).length, 3);
      assert.equal(replies.filter((r) => r.status === 429).length, 7);
    } finally {
      await limited.close();
    }
  });
});
