import assert from "node:assert/strict";
import { test } from "node:test";
import { Pacer } from "./pacer.ts";

test("a burst at once, then the rate; the window caps frames without an answer", () => {
  let now = 0;
  const pacer = new Pacer({ burst: 3, perSecond: 10, window: 2 }, () => now);
  const a = pacer.take();
  assert.equal(pacer.delay(), 0);
  const b = pacer.take();
  assert.equal(pacer.delay(), Infinity, "two without an answer");
  a();
  a();
  assert.equal(pacer.delay(), 0, "a release counts once");
  pacer.take();
  b();
  assert.equal(pacer.delay(), 100, "the burst is spent: one token per 100 ms");
  now = 100;
  assert.equal(pacer.delay(), 0);
});

test("a refusal pauses for the time the server says, then one frame at a time", () => {
  let now = 0;
  const pacer = new Pacer({ burst: 50, perSecond: 30, window: 8 }, () => now);
  const first = pacer.take();
  pacer.refused(500);
  first();
  assert.ok(pacer.delay() >= 500);
  now = 500;
  assert.ok(pacer.delay() <= 34, "then the bucket's own pace");
  now = 600;
  pacer.take();
  assert.equal(pacer.delay(), Infinity, "a window of one after a refusal");
});

test("a new socket starts full, and answers from the last one free nothing on it", () => {
  let now = 0;
  const pacer = new Pacer({ burst: 2, perSecond: 1, window: 2 }, () => now);
  const old = pacer.take();
  pacer.take();
  pacer.reset();
  pacer.take();
  old();
  pacer.take();
  assert.equal(pacer.delay(), Infinity, "the old socket's answer did not free a slot here");
  now = 10_000;
  pacer.reset();
  assert.equal(pacer.delay(), 0);
});
