import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "@easyqr/protocol";
import { errorMessage, errorText, waitText } from "./errorText.ts";
import { ApiError } from "./http.ts";

const everyCode = [...ErrorCode.options, "NETWORK", "BAD_RESPONSE"] as const;

test("every error code, the server's and the client's, has its own words", () => {
  const texts = everyCode.map((code) => errorText(code));
  for (const [i, text] of texts.entries()) {
    assert.equal(typeof text, "string", everyCode[i]);
    assert.ok(text.length > 10, everyCode[i]);
    assert.match(text, /[.…]$/, `${everyCode[i]} reads as a sentence`);
  }
  assert.equal(new Set(texts).size, texts.length, "no two codes read the same");
});

test("every code is explained without jargon", () => {
  for (const code of everyCode) assert.doesNotMatch(errorText(code), /[A-Z]{2,}_[A-Z]|token|JWT|refresh|undefined|null/i, code);
});

test("the sign-in failures say what happened and what to do", () => {
  assert.match(errorText("AUTH_CODE_INVALID"), /not right/);
  assert.match(errorText("AUTH_CODE_EXPIRED"), /expired.*new code/);
  assert.match(errorText("AUTH_CODE_LOCKED"), /locked/);
  assert.match(errorText("AUTH_CODE_USED"), /already been used/);
  assert.match(errorText("RATE_LIMITED"), /Too many/);
  for (const code of ["AUTH_REFRESH_INVALID", "AUTH_REFRESH_EXPIRED", "AUTH_REFRESH_REUSED", "AUTH_SESSION_REVOKED"] as const) {
    assert.match(errorText(code), /sign in again/i, code);
  }
});

test("the common phone failures say what to do", () => {
  assert.equal(errorText("PAIR_TOKEN_EXPIRED"), "This code has expired — ask the desktop for a new one.");
  assert.match(errorText("PAIR_TOKEN_USED"), /already been used/);
  assert.match(errorText("PAIR_TOKEN_ROTATED"), /replaced/);
  assert.match(errorText("PAIR_SESSION_NOT_FOUND"), /no longer exists/);
  assert.match(errorText("NETWORK"), /Cannot reach/);
});

test("errorMessage uses what the error carries: tries left, when to retry", () => {
  assert.equal(errorMessage(new ApiError("AUTH_CODE_INVALID", "x", 400, { attemptsLeft: 3 })), "That code is not right. 3 tries left.");
  assert.equal(errorMessage(new ApiError("AUTH_CODE_INVALID", "x", 400, { attemptsLeft: 1 })), "That code is not right. 1 try left.");
  assert.equal(errorMessage(new ApiError("AUTH_CODE_INVALID", "x", 400)), errorText("AUTH_CODE_INVALID"));
  assert.equal(errorMessage(new ApiError("RATE_LIMITED", "x", 429, { retryAfterMs: 12 * 60_000 - 5 })), "Too many attempts. Try again in 12 minutes.");
  assert.equal(errorMessage(new ApiError("USERNAME_TAKEN", "server words", 409)), errorText("USERNAME_TAKEN"));
  assert.match(errorMessage(new Error("boom")), /Something went wrong/);
  assert.equal(errorMessage(new ApiError("UPLOAD_TOO_LARGE", "x", 413, { maxBytes: 25 * 1024 * 1024 })), "That file is too large. Files can be at most 25 MB.");
  assert.match(errorMessage(new ApiError("UPLOAD_TOO_LARGE", "x", 413, { maxPixels: 50_000_000 })), /at most 50 megapixels/);
});

test("waitText rounds up to seconds, then minutes", () => {
  assert.equal(waitText(0), "in 1 second");
  assert.equal(waitText(1500), "in 2 seconds");
  assert.equal(waitText(59_000), "in 59 seconds");
  assert.equal(waitText(60_000), "in 1 minute");
  assert.equal(waitText(61_000), "in 2 minutes");
});

test("the contact failures say what happened and what to do", () => {
  assert.match(errorText("CONTACT_SELF"), /That is you/);
  assert.match(errorText("CONTACT_QR_EXPIRED"), /expired.*new one/);
  assert.match(errorText("CONTACT_QR_ROTATED"), /replaced/);
  assert.match(errorText("CONTACT_QR_USED_UP"), /too many times/);
  assert.match(errorText("CONTACT_ALREADY_CONNECTED"), /already connected/);
  assert.match(errorText("CONTACT_REQUEST_PENDING"), /already sent/);
  assert.match(errorText("CONTACT_BLOCKED"), /Unblock/);
  assert.equal(errorMessage(new ApiError("RATE_LIMITED", "x", 429, { retryAfterMs: 30_000 })), "Too many attempts. Try again in 30 seconds.");
});
