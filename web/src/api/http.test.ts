import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, errorOf } from "./http.ts";

test("an error envelope becomes an ApiError with its code, status and data", () => {
  const error = errorOf(400, JSON.stringify({ error: { code: "AUTH_CODE_INVALID", message: "no", data: { attemptsLeft: 2 } } }), null);
  assert.equal(error.code, "AUTH_CODE_INVALID");
  assert.equal(error.status, 400);
  assert.deepEqual(error.data, { attemptsLeft: 2 });
});

test("Retry-After fills in a rate limit's missing retryAfterMs, and never replaces the server's own", () => {
  const limited = JSON.stringify({ error: { code: "RATE_LIMITED", message: "slow" } });
  assert.equal(errorOf(429, limited, "30").details("RATE_LIMITED")?.retryAfterMs, 30_000);
  const own = JSON.stringify({ error: { code: "RATE_LIMITED", message: "slow", data: { retryAfterMs: 1_500 } } });
  assert.equal(errorOf(429, own, "2").details("RATE_LIMITED")?.retryAfterMs, 1_500);
});

test("a body that is not an error envelope is BAD_RESPONSE", () => {
  assert.equal(errorOf(502, "<html>", null).code, "BAD_RESPONSE");
  assert.equal(errorOf(500, JSON.stringify({ error: { code: "NO_SUCH_CODE", message: "x" } }), null).code, "BAD_RESPONSE");
});

test("details are typed per code and checked against the protocol's schema", () => {
  assert.deepEqual(new ApiError("UPLOAD_TOO_LARGE", "x", 413, { maxPixels: 50_000_000 }).details("UPLOAD_TOO_LARGE"), { maxPixels: 50_000_000 });
  assert.equal(new ApiError("UPLOAD_TOO_LARGE", "x", 413, { maxBytes: 1 }).details("RATE_LIMITED"), undefined, "another code's details");
  assert.equal(new ApiError("AUTH_CODE_INVALID", "x", 400, { attemptsLeft: "two" }).details("AUTH_CODE_INVALID"), undefined, "data that does not match");
  assert.equal(new ApiError("RATE_LIMITED", "x", 429).details("RATE_LIMITED"), undefined, "no data");
});
