import assert from "node:assert/strict";
import { test } from "node:test";
import { accessTokens } from "./auth/tokens.ts";
import { ManualClock } from "./clock.ts";
import { newPairToken, pairTokens } from "./pairing/tokens.ts";

const secret = "s".repeat(40);

test("one secret, two uses: a token of one never passes as the other's", () => {
  const clock = new ManualClock();
  const access = accessTokens(secret, clock);
  const pairing = pairTokens(secret, clock);
  const accessToken = access.sign({ userId: "u", sessionId: "s" }, clock.now() + 60_000);
  const pairToken = newPairToken(pairing, "sid", clock.now() + 60_000).token;
  assert.deepEqual(access.verify(accessToken), { userId: "u", sessionId: "s" });
  assert.throws(() => access.verify(pairToken), { code: "AUTH_TOKEN_INVALID" });
  assert.throws(() => pairing.verify(accessToken), { code: "PAIR_TOKEN_INVALID" });
});

test("an access token expires by the server's clock, also once its signature was checked and kept", () => {
  const clock = new ManualClock();
  const access = accessTokens(secret, clock);
  const token = access.sign({ userId: "u", sessionId: "s" }, clock.now() + 60_000);
  assert.deepEqual(access.verify(token), { userId: "u", sessionId: "s" });
  clock.advance(60_000);
  assert.throws(() => access.verify(token), { code: "AUTH_TOKEN_EXPIRED" });
});

test("a kept token's signature does not vouch for another: a token changed after a good one was verified is invalid", () => {
  const clock = new ManualClock();
  const access = accessTokens(secret, clock);
  const token = access.sign({ userId: "u", sessionId: "s" }, clock.now() + 60_000);
  access.verify(token);
  const [header, , signature] = token.split(".");
  const forged = `${header}.${Buffer.from(JSON.stringify({ sub: "v", sid: "s", exp: 9e9, aud: "easyqr:access", iss: "easyqr" })).toString("base64url")}.${signature}`;
  assert.throws(() => access.verify(forged), { code: "AUTH_TOKEN_INVALID" });
});
