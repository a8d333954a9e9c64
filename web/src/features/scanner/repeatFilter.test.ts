import assert from "node:assert/strict";
import { test } from "node:test";
import { RepeatFilter } from "./repeatFilter.ts";

test("a code held in view counts once", () => {
  const f = new RepeatFilter(2000);
  assert.equal(f.accept("A", 0), true);
  for (let t = 200; t <= 10_000; t += 200) assert.equal(f.accept("A", t), false, String(t));
});

test("the same code counts again after it was out of view for the window", () => {
  const f = new RepeatFilter(2000);
  assert.equal(f.accept("A", 0), true);
  assert.equal(f.accept("A", 1999), false);
  assert.equal(f.accept("A", 3999), true);
});

test("different codes do not block each other", () => {
  const f = new RepeatFilter(2000);
  assert.equal(f.accept("A", 0), true);
  assert.equal(f.accept("B", 10), true);
  assert.equal(f.accept("A", 20), false);
});

test("memory stays bounded", () => {
  const f = new RepeatFilter(10);
  for (let i = 0; i < 10_000; i++) f.accept(String(i), i * 20);
  assert.equal(f.accept("9999", 10_000 * 20), true);
});
