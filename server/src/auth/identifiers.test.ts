import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError } from "../errors.ts";
import { normalizeIdentifier, normalizePhone } from "./identifiers.ts";

test("emails are trimmed and lower-cased", () => {
  assert.deepEqual(normalizeIdentifier({ email: " Alice.Smith@Example.COM " }, undefined), { kind: "email", value: "alice.smith@example.com" });
});

test("phones become E.164, national numbers read in the default region", () => {
  assert.equal(normalizePhone("+44 20 7946 0000", undefined), "+442079460000");
  assert.equal(normalizePhone("020 7946 0000", "GB"), "+442079460000");
  assert.equal(normalizePhone("(201) 555-0123", "US"), "+12015550123");
  assert.equal(normalizePhone("+1 201-555-0123", "GB"), "+12015550123");
});

test("invalid phones and national numbers without a region are refused", () => {
  for (const [phone, region] of [
    ["020 7946 0000", undefined],
    ["+44 12", undefined],
    ["12345", "GB"],
    ["+999 1234567", undefined],
  ] as const) {
    assert.throws(
      () => normalizePhone(phone, region),
      (e: unknown) => e instanceof AppError && e.code === "IDENTIFIER_INVALID",
      phone,
    );
  }
});

const problemOf = (phone: string, region?: string) => {
  try {
    normalizePhone(phone, region);
  } catch (error) {
    assert.ok(error instanceof AppError);
    return error.data;
  }
  return undefined;
};

test("a refused phone says what is wrong with it; a national number without a default region needs its country code", () => {
  assert.deepEqual(problemOf("020 7946 0123"), { problem: "needs_country_code" });
  assert.deepEqual(problemOf("+44 20 79"), { problem: "too_short", callingCode: "44" });
  assert.deepEqual(problemOf("+999 1234567"), { problem: "unknown_country_code" });
  assert.deepEqual(problemOf("12345", "GB"), { problem: "too_short", callingCode: "44" });
  assert.equal(problemOf("+1 415 555 0100"), undefined);
});
