import assert from "node:assert/strict";
import { test } from "node:test";
import { checkIdentifier, codeDigits, identifierLabel, phoneProblemText } from "./identifier.ts";

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

test("a refused phone number is explained in terms of what was typed, never about email or a missing +44 it has", () => {
  assert.deepEqual(checkIdentifier("phone", "12"), { ok: false, message: "That number is too short. Type all of it, with the country code." });
  assert.match((checkIdentifier("phone", "+44 20 abc") as { message: string }).message, /only digits, spaces and a \+ in front/);
  const texts = {
    short: phoneProblemText({ problem: "too_short", callingCode: "44" }),
    long: phoneProblemText({ problem: "too_long", callingCode: "44" }),
    country: phoneProblemText({ problem: "unknown_country_code" }),
    missing: phoneProblemText({ problem: "needs_country_code" }),
    invalid: phoneProblemText({ problem: "invalid_number", callingCode: "44" }),
  };
  assert.equal(texts.short, "That number is too short for +44: a digit may be missing.");
  assert.equal(texts.long, "That number has too many digits for +44.");
  assert.equal(texts.invalid, "That is not a phone number in use for +44. Check the digits after the country code.");
  assert.match(texts.country, /country code we know/);
  assert.match(texts.missing, /Start with \+ and your country code/);
  for (const text of Object.values(texts)) assert.doesNotMatch(text, /email/i);
  for (const text of [texts.short, texts.long, texts.invalid, texts.country])
    assert.doesNotMatch(text, /need|Start with/, "a number with its + is not told to add one");
  assert.equal(phoneProblemText(undefined), "That phone number does not look right. Check the digits.");
});
