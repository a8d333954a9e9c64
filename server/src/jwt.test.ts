import assert from "node:assert/strict";
import { test } from "node:test";
import { accessTokens } from "./auth/tokens.ts";
import { ManualClock } from "./clock.ts";
import { AppError } from "./errors.ts";
import { newPairToken, pairTokens } from "./pairing/tokens.ts";

const secret = "s".repeat(40);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return "accepted";
}

test("one secret, two uses: a token of one never passes as the other's", () => {
  const clock = new ManualClock();
  const access = accessTokens(secret, clock);
  const pairing = pairTokens(secret, clock);
  const accessToken = access.sign({ userId: "u", sessionId: "s" }, clock.now() + 60_000);
  const pairToken = newPairToken(pairing, "sid", clock.now() + 60_000).token;
  assert.deepEqual(access.verify(accessToken), { userId: "u", sessionId: "s" });
  assert.equal(
    codeOf(() => access.verify(pairToken)),
    "AUTH_TOKEN_INVALID",
  );
  assert.equal(
    codeOf(() => pairing.verify(accessToken)),
    "PAIR_TOKEN_INVALID",
  );
});

test("an access token expires by the server's clock", () => {
  const clock = new ManualClock();
  const access = accessTokens(secret, clock);
  const token = access.sign({ userId: "u", sessionId: "s" }, clock.now() + 60_000);
  clock.advance(60_000);
  assert.equal(
    codeOf(() => access.verify(token)),
    "AUTH_TOKEN_EXPIRED",
  );
});
