import assert from "node:assert/strict";
import { test } from "node:test";
import { formatRemaining } from "./useNow.ts";

test("remaining time reads naturally and never goes negative", () => {
  assert.equal(formatRemaining(9_000), "9 s");
  assert.equal(formatRemaining(8_001), "9 s");
  assert.equal(formatRemaining(75_000), "1:15");
  assert.equal(formatRemaining(300_000), "5:00");
  assert.equal(formatRemaining(-5), "0 s");
});
