import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../api/http.ts";
import { identifierChangeError } from "./identifierChangeError.ts";

test("a taken address says another account has it, not that the code was wrong", () => {
  assert.match(identifierChangeError(new ApiError("EMAIL_TAKEN", "x", 409), "email"), /Another account uses this email address/);
  assert.match(identifierChangeError(new ApiError("PHONE_TAKEN", "x", 409), "phone"), /Another account uses this phone number/);
});

test("a refused phone number says what is wrong with it; a refused email talks about the email", () => {
  const phone = new ApiError("IDENTIFIER_INVALID", "x", 400, { problem: "too_short", callingCode: "44" });
  assert.equal(identifierChangeError(phone, "phone"), "That number is too short for +44: a digit may be missing.");
  assert.match(identifierChangeError(new ApiError("IDENTIFIER_INVALID", "x", 400), "email"), /email address does not look right/);
});

test("a spent or expired code points at the form's own way to get a new one; tries left are counted", () => {
  assert.match(identifierChangeError(new ApiError("AUTH_CODE_EXPIRED", "x", 400), "email"), /expired\. Choose “Use another address”/);
  assert.match(identifierChangeError(new ApiError("AUTH_CODE_LOCKED", "x", 400), "phone"), /locked\. Choose “Use another number”/);
  assert.equal(identifierChangeError(new ApiError("AUTH_CODE_INVALID", "x", 400, { attemptsLeft: 2 }), "email"), "That code is not right. 2 tries left.");
});
