import assert from "node:assert/strict";
import { test } from "node:test";
import { Turns } from "./turns.ts";

/** Whether the promise has settled, after the microtasks queued so far. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

test("each turn locks after the one before has locked, and answers after it has left", async () => {
  const turns = new Turns();
  const [a, b, c] = [turns.take(), turns.take(), turns.take()];
  assert.ok(await settled(a.mayLock));
  assert.ok(await settled(a.mayAnswer));
  assert.ok(!(await settled(b.mayLock)));
  a.locked();
  assert.ok(await settled(b.mayLock));
  assert.ok(!(await settled(c.mayLock)), "c waits for b's locks");
  assert.ok(!(await settled(b.mayAnswer)), "locked is not answered");
  a.leave();
  assert.ok(await settled(b.mayAnswer));
  assert.ok(!(await settled(c.mayAnswer)));
  b.leave();
  assert.ok(await settled(c.mayLock), "leaving passes both places");
  assert.ok(await settled(c.mayAnswer));
});

test("a later turn leaving first lets nobody past an earlier one still in place", async () => {
  const turns = new Turns();
  const [a, b, c] = [turns.take(), turns.take(), turns.take()];
  b.leave();
  assert.ok(!(await settled(c.mayLock)));
  assert.ok(!(await settled(c.mayAnswer)));
  a.leave();
  a.leave();
  assert.ok(await settled(c.mayLock));
  assert.ok(await settled(c.mayAnswer));
});
