import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RequestCodeResponse, VerifyCodeResponse } from "@easyqr/protocol";
import { call, codeOf, loggedCode, newEmail, signIn } from "./support/api.ts";
import { failInserts } from "./support/dbFaults.ts";
import { startServer, type TestServer } from "./support/harness.ts";

/** Room for the many requests of this file from one address; the limits under test get their own servers. */
const roomy = { sendsPerIp: 10_000, failuresPerIp: 10_000 };
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

  test("a phone number that is not one says what is wrong with it (IDENTIFIER_INVALID's data)", async () => {
    const cases: [string, unknown][] = [
      ["+44 20 79", { problem: "too_short", callingCode: "44" }],
      ["+44 20 7946 0123 4567 89", { problem: "too_long", callingCode: "44" }],
      ["+999 1234 5678", { problem: "unknown_country_code" }],
      ["+44 0000 000000", { problem: "invalid_number", callingCode: "44" }],
      ["020 79", { problem: "too_short", callingCode: "44" }],
    ];
    for (const [phone, data] of cases) {
      const reply = await call(server, "POST", "/api/auth/request-code", { body: { phone } });
      assert.equal(reply.status, 400, phone);
      const { error } = reply.body as { error: { code: string; data?: unknown } };
      assert.equal(error.code, "IDENTIFIER_INVALID", phone);
      assert.deepEqual(error.data, data, phone);
    }
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

  test("asking again makes a new request with its own code and tries; the earlier code keeps working", async () => {
    const email = newEmail();
    const first = await requestCode(server, { email });
    const firstCode = loggedCode(server, email);
    for (let i = 0; i < 5; i++) await verify(server, first.requestId, wrong(firstCode));
    assert.equal(codeOf(await verify(server, first.requestId, firstCode)), "AUTH_CODE_LOCKED");
    // A locked request does not hold the identifier: the next request is new, with 5 fresh tries.
    const second = await requestCode(server, { email });
    assert.notEqual(second.requestId, first.requestId);
    const secondCode = loggedCode(server, email);
    const third = await requestCode(server, { email });
    assert.notEqual(third.requestId, second.requestId);
    const reply = await verify(server, third.requestId, wrong(loggedCode(server, email)));
    assert.deepEqual((reply.body as { error: { data: unknown } }).error.data, { attemptsLeft: 4 });
    // The third request did not cancel the second.
    assert.equal((await verify(server, second.requestId, secondCode)).status, 200);
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
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => server.app.auth.verifyCode(requestId, code, undefined, "127.0.0.1")));
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
  test("3 sends per identifier and address per 15 minutes, then 429 with Retry-After; other addresses still get codes", async () => {
    const limited = await startServer({ authLimits: roomy });
    try {
      const email = newEmail();
      for (let i = 0; i < 3; i++) await requestCode(limited, { email });
      limited.clock.advance(5 * 60_000);
      const refused = await call(limited, "POST", "/api/auth/request-code", { body: { email } });
      assert.equal(refused.status, 429);
      assert.equal(codeOf(refused), "RATE_LIMITED");
      assert.equal(refused.headers.get("retry-after"), String(10 * 60));
      // Refused requests do not count; other identifiers, and this one from another address, are not affected.
      for (let i = 0; i < 3; i++) assert.equal((await call(limited, "POST", "/api/auth/request-code", { body: { email } })).status, 429);
      await requestCode(limited, { email: newEmail() });
      assert.equal((await call(limited, "POST", "/api/auth/request-code", { body: { email }, from: "127.0.0.2" })).status, 200);
      // Once the window has passed the identifier has its 3 sends again.
      limited.clock.advance(10 * 60_000);
      for (let i = 0; i < 3; i++) await requestCode(limited, { email });
    } finally {
      await limited.close();
    }
  });

  test("10 sends per identifier per hour from all addresses (the owner's inbox), then 429", async () => {
    const limited = await startServer({ authLimits: roomy });
    try {
      const email = newEmail();
      for (let i = 0; i < 10; i++) {
        const from = `127.0.0.${2 + (i % 4)}`;
        assert.equal((await call(limited, "POST", "/api/auth/request-code", { body: { email }, from })).status, 200);
      }
      const refused = await call(limited, "POST", "/api/auth/request-code", { body: { email }, from: "127.0.0.9" });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("retry-after"), String(60 * 60));
      limited.clock.advance(60 * 60_000);
      await requestCode(limited, { email });
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
      const live = await limited.app.database.db.selectFrom("otpChallenges").select("id").where("identifier", "=", email).execute();
      assert.equal(live.length, 3, "one request per send");
    } finally {
      await limited.close();
    }
  });
});

/** A code request for `email` from a local address; its requestId and the code the owner received. */
async function ask(target: TestServer, email: string, from: string) {
  const reply = await call(target, "POST", "/api/auth/request-code", { body: { email }, from });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return { requestId: RequestCodeResponse.parse(reply.body).requestId, code: loggedCode(target, email) };
}

const verifyFrom = (target: TestServer, from: string, requestId: string, code: string) =>
  call(target, "POST", "/api/auth/verify-code", { body: { requestId, code }, from });

const owner = "127.0.0.1";
const stranger = "127.0.0.2";

describe("a stranger cannot block sign-in", () => {
  test("the reported attack: a second client asks for a code for the owner's email and spends its tries; the owner signs in", async () => {
    const target = await startServer();
    try {
      const email = (await signIn(target)).email;
      const mine = await ask(target, email, owner);
      // The stranger gets a request of its own, never the owner's id.
      const theirs = await ask(target, email, stranger);
      assert.notEqual(theirs.requestId, mine.requestId);
      for (let i = 0; i < 4; i++) assert.equal(codeOf(await verifyFrom(target, stranger, theirs.requestId, wrong(mine.code))), "AUTH_CODE_INVALID");
      assert.equal(codeOf(await verifyFrom(target, stranger, theirs.requestId, wrong(mine.code))), "AUTH_CODE_LOCKED");
      // It asks again, and guesses until its address is stopped.
      const next = await ask(target, email, stranger);
      for (let i = 0; i < 5; i++) await verifyFrom(target, stranger, next.requestId, wrong(next.code));
      const stopped = await verifyFrom(target, stranger, (await ask(target, email, stranger)).requestId, "000000");
      assert.equal(codeOf(stopped), "RATE_LIMITED", "10 wrong codes per identifier and address a day");
      const row = await target.app.database.db.selectFrom("otpChallenges").select("attempts").where("id", "=", mine.requestId).executeTakeFirstOrThrow();
      assert.equal(row.attempts, 0, "no guess touched the owner's request");
      const signedIn = await verifyFrom(target, owner, mine.requestId, mine.code);
      assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    } finally {
      await target.close();
    }
  });

  test("known and unknown identifiers answer alike at every limit", async () => {
    const target = await startServer();
    try {
      const known = (await signIn(target)).email;
      const unknown = newEmail("nobody");
      const answers = async (email: string) => {
        const replies = [];
        for (let round = 0; round < 3; round++) {
          const { requestId } = await ask(target, email, stranger);
          for (let i = 0; i < 5; i++) replies.push(await verifyFrom(target, stranger, requestId, "000000"));
        }
        return replies.map((r) => [r.status, JSON.stringify(r.body, (key, value: unknown) => (key === "retryAfterMs" ? "<ms>" : value))]);
      };
      assert.deepEqual(await answers(known), await answers(unknown));
    } finally {
      await target.close();
    }
  });
});

describe("wrong-code limits", () => {
  test("30 wrong codes per address an hour, over any identifiers; then even a right code waits; other addresses are not affected", async () => {
    const target = await startServer();
    try {
      const guesser = "127.0.0.3";
      for (let i = 0; i < 6; i++) {
        const { requestId, code } = await ask(target, newEmail("spread"), guesser);
        for (let t = 0; t < 5; t++) await verifyFrom(target, guesser, requestId, wrong(code));
      }
      const email = newEmail();
      const { requestId, code } = await ask(target, email, guesser);
      const refused = await verifyFrom(target, guesser, requestId, code);
      assert.equal(codeOf(refused), "RATE_LIMITED");
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("retry-after"), String(60 * 60));
      const row = await target.app.database.db.selectFrom("otpChallenges").select("attempts").where("id", "=", requestId).executeTakeFirstOrThrow();
      assert.equal(row.attempts, 0, "refused before the code was looked at");
      assert.equal((await verifyFrom(target, "127.0.0.4", requestId, code)).status, 200, "the same code from another address");
      target.clock.advance(60 * 60_000);
      const later = await ask(target, newEmail(), guesser);
      assert.equal((await verifyFrom(target, guesser, later.requestId, later.code)).status, 200);
    } finally {
      await target.close();
    }
  });

  test("100 wrong codes per identifier a day: it takes 10 addresses to reach; then the identifier waits for the window", async () => {
    // The sends a stranger needs (20 requests) are allowed at once here; with the default 10 an hour they take 2 hours.
    const target = await startServer({ authLimits: { sendsPerIdentifier: 1000 } });
    try {
      const email = (await signIn(target)).email;
      /** Two requests with 5 wrong codes each: all an address may try on one identifier in a day. */
      const guessFrom = async (from: string) => {
        const answers = [];
        for (let round = 0; round < 2; round++) {
          const { requestId, code } = await ask(target, email, from);
          for (let i = 0; i < 5; i++) answers.push(codeOf(await verifyFrom(target, from, requestId, wrong(code))));
        }
        return answers;
      };
      for (let n = 1; n <= 9; n++) await guessFrom(`127.0.1.${n}`);
      // 90 wrong codes: the tenth address is still checked, and brings the count to 100.
      assert.deepEqual(new Set(await guessFrom("127.0.1.10")), new Set(["AUTH_CODE_INVALID", "AUTH_CODE_LOCKED"]));
      const mine = await ask(target, email, owner);
      const refused = await verifyFrom(target, owner, mine.requestId, mine.code);
      assert.equal(codeOf(refused), "RATE_LIMITED", "the ceiling holds for every address, the owner's too");
      const retryAfter = Number(refused.headers.get("retry-after"));
      assert.ok(retryAfter > 23 * 60 * 60 && retryAfter <= 24 * 60 * 60, String(retryAfter));
      const wrongCodes = await target.app.database.db.selectFrom("rateEvents").select("at").where("key", "=", `otp:wrong:to:${email}`).execute();
      assert.equal(wrongCodes.length, 100, "never more than 100 wrong codes were checked");
      target.clock.advance(24 * 60 * 60_000);
      const again = await ask(target, email, owner);
      assert.equal((await verifyFrom(target, owner, again.requestId, again.code)).status, 200);
    } finally {
      await target.close();
    }
  });
});

describe("sign-in is one transaction", () => {
  test("when the new user cannot be stored, the code is not spent and works once the database does", async () => {
    const email = newEmail();
    const { requestId } = await requestCode(server, { email });
    const code = loggedCode(server, email);
    const restore = await failInserts(server, "users");
    let failed;
    try {
      failed = await verify(server, requestId, code);
    } finally {
      await restore();
    }
    assert.equal(failed.status, 500);
    assert.equal(codeOf(failed), "INTERNAL");
    const row = await server.app.database.db
      .selectFrom("otpChallenges")
      .select(["consumedAt", "attempts"])
      .where("id", "=", requestId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { consumedAt: null, attempts: 0 }, "neither spent nor a try used");
    const signedIn = VerifyCodeResponse.parse((await verify(server, requestId, code)).body);
    assert.equal(signedIn.isNewUser, true);
    assert.equal(signedIn.user.email, email);
  });

  test("when the session cannot be stored, a first sign-in leaves no user behind and the code still works", async () => {
    const email = newEmail();
    const { requestId } = await requestCode(server, { email });
    const code = loggedCode(server, email);
    const restore = await failInserts(server, "refresh_tokens");
    let failed;
    try {
      failed = await verify(server, requestId, code);
    } finally {
      await restore();
    }
    assert.equal(failed.status, 500);
    const users = await server.app.database.db.selectFrom("users").select("id").where("email", "=", email).execute();
    assert.equal(users.length, 0, "the user insert was rolled back with the session's");
    assert.equal(VerifyCodeResponse.parse((await verify(server, requestId, code)).body).isNewUser, true);
  });

  test("an existing user's sign-in: a failed session insert spends nothing", async () => {
    const { email, user } = await signIn(server);
    const { requestId } = await requestCode(server, { email });
    const code = loggedCode(server, email);
    const restore = await failInserts(server, "auth_sessions");
    try {
      assert.equal((await verify(server, requestId, code)).status, 500);
    } finally {
      await restore();
    }
    const signedIn = VerifyCodeResponse.parse((await verify(server, requestId, code)).body);
    assert.equal(signedIn.user.id, user.id);
    assert.equal(codeOf(await verify(server, requestId, code)), "AUTH_CODE_USED", "spent by the sign-in that succeeded");
  });
});
