import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffDelay } from "./backoff.ts";

const options = { baseMs: 500, maxMs: 15_000 };

test("the cap doubles per attempt up to the maximum", () => {
  const top = (attempt: number) => backoffDelay(attempt, options, () => 0.999999);
  assert.equal(top(0), 499);
  assert.equal(top(1), 999);
  assert.equal(top(2), 1999);
  assert.equal(top(5), 14_999);
  assert.equal(top(6), 14_999);
  assert.equal(top(1000), 14_999);
});

test("full jitter: anywhere from 0 up to the cap", () => {
  assert.equal(
    backoffDelay(3, options, () => 0),
    0,
  );
  assert.equal(
    backoffDelay(3, options, () => 0.5),
    2000,
  );
  for (let i = 0; i < 1000; i++) {
    const d = backoffDelay(4, options);
    assert.ok(d >= 0 && d < 8000, String(d));
  }
});

test("odd inputs stay in range", () => {
  assert.equal(
    backoffDelay(-3, options, () => 0.5),
    250,
  );
  assert.equal(
    backoffDelay(Number.NaN, options, () => 0.5),
    250,
  );
  assert.ok(backoffDelay(2, options, () => 1) < 2000);
  assert.equal(
    backoffDelay(2, options, () => -1),
    0,
  );
});
