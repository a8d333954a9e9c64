import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { createSigner } from "fast-jwt";
import { ManualClock } from "../clock.ts";
import { newPairingCode, newPairToken, newSecret, pairTokens } from "./tokens.ts";

const secret = "s".repeat(40);
const key = createHash("sha256").update(`pairing:${secret}`).digest();

test("a token verifies until its exp, then is PAIR_TOKEN_EXPIRED", () => {
  const clock = new ManualClock();
  const tokens = pairTokens(secret, clock);
  const { token, jti } = newPairToken(tokens, "sid-1", clock.now() + 150_000);
  assert.deepEqual(tokens.verify(token), { sessionId: "sid-1", jti });
  clock.advance(150_000);
  assert.throws(() => tokens.verify(token), { code: "PAIR_TOKEN_EXPIRED" });
});

test("forgeries are PAIR_TOKEN_INVALID: other secret, other algorithm, other audience, no signature", () => {
  const clock = new ManualClock();
  const tokens = pairTokens(secret, clock);
  const exp = Math.floor(clock.now() / 1000) + 100;
  const claims = { sid: "sid-1", jti: "j", exp };
  const forged = [
    newPairToken(pairTokens("t".repeat(40), clock), "sid-1", clock.now() + 60_000).token,
    createSigner({ key, algorithm: "HS512", aud: "easyqr:pair" })(claims),
    createSigner({ key, algorithm: "HS256", aud: "easyqr:other" })(claims),
    createSigner({ algorithm: "none", aud: "easyqr:pair" })(claims),
    "a.b.c",
    "",
  ];
  for (const token of forged) assert.throws(() => tokens.verify(token), { code: "PAIR_TOKEN_INVALID" }, token);
});

test("pairing codes are 8 characters of the unambiguous alphabet", () => {
  for (let i = 0; i < 200; i++) assert.match(newPairingCode(), /^[0-9A-HJKMNP-TV-Z]{8}$/);
});

test("secrets are 256 bits, and no two alike across refills of the random pool", () => {
  const secrets = Array.from({ length: 1000 }, () => newSecret());
  assert.ok(secrets.every((s) => /^[A-Za-z0-9_-]{43}$/.test(s)));
  assert.equal(new Set(secrets).size, secrets.length);
});
