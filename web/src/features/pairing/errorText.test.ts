import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "@easyqr/protocol";
import { errorText } from "./errorText.ts";

test("every error code has its own words", () => {
  const texts = ErrorCode.options.map((code) => errorText(code));
  for (const [i, text] of texts.entries()) assert.ok(text.length > 10, ErrorCode.options[i]);
  assert.equal(new Set(texts).size, texts.length, "no two codes read the same");
});

test("every pairing code is explained without jargon", () => {
  const pairing = ErrorCode.options.filter((c) => c.startsWith("PAIR_"));
  assert.ok(pairing.length >= 12);
  for (const code of pairing) assert.doesNotMatch(errorText(code), /PAIR_|token|JWT|undefined/i, code);
});

test("the common phone failures say what to do", () => {
  assert.equal(errorText("PAIR_TOKEN_EXPIRED"), "This code has expired — ask the desktop for a new one.");
  assert.match(errorText("PAIR_TOKEN_USED"), /already been used/);
  assert.match(errorText("PAIR_TOKEN_ROTATED"), /replaced/);
  assert.match(errorText("PAIR_SESSION_NOT_FOUND"), /no longer exists/);
  assert.match(errorText("NETWORK"), /Cannot reach/);
});
