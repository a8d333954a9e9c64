import assert from "node:assert/strict";
import { test } from "node:test";
import { checkIdentifier, codeDigits, identifierLabel } from "./identifier.ts";

test("emails are checked like the protocol does, trimmed", () => {
  assert.deepEqual(checkIdentifier("email", "  Ada@Example.com "), { ok: true, value: { email: "Ada@Example.com" } });
  for (const bad of ["ada", "ada@", "@example.com", "ada@@example.com", "a b@example.com"]) {
    const result = checkIdentifier("email", bad);
    assert.equal(result.ok, false, bad);
  }
  assert.deepEqual(checkIdentifier("email", "  "), { ok: false, message: "Enter your email address." });
  assert.equal(checkIdentifier("email", `${"a".repeat(250)}@example.com`).ok, false, "over 254 characters");
});

test("phones: digits with + and separators, as the protocol allows; the server checks the number itself", () => {
  for (const good of ["+44 20 7946 0000", "+1 (415) 555-0100", "020 7946 0000", "+4915112345678"]) {
    assert.equal(checkIdentifier("phone", good).ok, true, good);
  }
  for (const bad of ["12", "call me", "+44 20 7946 0000 ext 5", "0".repeat(40)]) assert.equal(checkIdentifier("phone", bad).ok, false, bad);
  assert.deepEqual(checkIdentifier("phone", ""), { ok: false, message: "Enter your phone number." });
});

test("the label shows the email in lower case and the phone as typed", () => {
  assert.equal(identifierLabel({ email: "Ada@Example.com" }), "ada@example.com");
  assert.equal(identifierLabel({ phone: "+44 20 7946 0000" }), "+44 20 7946 0000");
});

test("codeDigits takes the code out of typed or pasted text", () => {
  assert.equal(codeDigits("123456"), "123456");
  assert.equal(codeDigits("123 456"), "123456");
  assert.equal(codeDigits("123-456"), "123456");
  assert.equal(codeDigits("Your EasyQR code: 482913. It expires in 10 minutes."), "482913");
  assert.equal(codeDigits("12a3"), "123");
  assert.equal(codeDigits("1234567890"), "123456");
  assert.equal(codeDigits(""), "");
});
