import assert from "node:assert/strict";
import { test } from "node:test";
import { newOtpCode, OtpHasher } from "./codes.ts";

test("codes are 6 digits, zero-padded, and vary", () => {
  const codes = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const code = newOtpCode();
    assert.match(code, /^[0-9]{6}$/);
    codes.add(code);
  }
  assert.ok(codes.size > 1990, "no obvious repetition");
});

test("a code's hash is bound to its request and to the secret", () => {
  const hasher = new OtpHasher("s".repeat(32));
  const hash = hasher.hash("request-1", "123456");
  assert.ok(!hash.includes("123456"));
  assert.equal(hasher.matches("request-1", "123456", hash), true);
  assert.equal(hasher.matches("request-1", "123457", hash), false);
  assert.equal(hasher.matches("request-2", "123456", hash), false);
  assert.equal(new OtpHasher("t".repeat(32)).matches("request-1", "123456", hash), false);
  assert.equal(hasher.matches("request-1", "123456", "short"), false);
});
