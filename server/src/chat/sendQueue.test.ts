import assert from "node:assert/strict";
import { test } from "node:test";
import type { SendItem } from "./send.ts";
import { SendQueue } from "./sendQueue.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function item(n: number, answered: Set<number>): SendItem {
  return { userId: "u", frame: { type: "SEND", id: String(n), chatId: "c", text: "x" }, reply: () => answered.add(n) };
}

/** A write that takes `ms()` (by default 1–8 ms), answers its items, and records what it saw. */
function recorder(ms = () => 1 + Math.random() * 7) {
  const batches: { ids: number[]; at: number }[] = [];
  let inFlight = 0;
  let most = 0;
  const write = async (items: SendItem[]) => {
    batches.push({ ids: items.map((i) => Number(i.frame.id)), at: performance.now() });
    most = Math.max(most, ++inFlight);
    await sleep(ms());
    inFlight -= 1;
    for (const i of items) i.reply({ error: null });
  };
  return { write, batches, most: () => most };
}

for (const concurrency of [1, 3]) {
  test(`concurrency ${concurrency}: never more batches in flight, every item answered, batches in push order`, async () => {
    const answered = new Set<number>();
    const r = recorder();
    const queue = new SendQueue(r.write, 10, concurrency);
    let n = 0;
    for (let turn = 0; turn < 200; turn++) {
      for (let k = Math.floor(Math.random() * 25); k > 0; k--) queue.push(item(n++, answered));
      await sleep(Math.random() < 0.5 ? 0 : 1);
    }
    while (answered.size < n) await sleep(5);
    assert.equal(r.most(), concurrency);
    assert.ok(r.batches.every((b) => b.ids.length >= 1 && b.ids.length <= 10));
    assert.deepEqual(
      r.batches.flatMap((b) => b.ids),
      Array.from({ length: n }, (_, i) => i),
    );
  });
}

/** A write that waits until the test finishes it, so the test decides when each commit ends. */
function heldWrites() {
  const writes: { ids: number[]; finish: () => void }[] = [];
  const write = (items: SendItem[]) =>
    new Promise<void>((resolve) => {
      writes.push({
        ids: items.map((i) => Number(i.frame.id)),
        finish: () => {
          for (const i of items) i.reply({ error: null });
          resolve();
        },
      });
    });
  return { write, writes };
}

/** One turn of the event loop, without a timer (the tests below freeze timers). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test("adaptive: an idle queue commits a send in the same turn, with no timer involved", async (t) => {
  // Frozen timers: a queue that waited on a batch window (setTimeout) would never write here.
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const answered = new Set<number>();
  const h = heldWrites();
  const queue = new SendQueue(h.write, 10, 1);
  queue.push(item(0, answered));
  await nextTurn();
  assert.deepEqual(
    h.writes.map((w) => w.ids),
    [[0]],
  );
  h.writes[0]?.finish();
  await nextTurn();
  assert.ok(answered.has(0));
  // Idle again: the next send is again a commit of its own, at once.
  queue.push(item(1, answered));
  await nextTurn();
  assert.deepEqual(
    h.writes.map((w) => w.ids),
    [[0], [1]],
  );
});

test("adaptive: while a commit is in flight sends gather, and the next commit takes them all the moment it ends", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const answered = new Set<number>();
  const h = heldWrites();
  const queue = new SendQueue(h.write, 10, 1);
  queue.push(item(0, answered));
  await nextTurn();
  for (let n = 1; n <= 5; n++) {
    queue.push(item(n, answered));
    await nextTurn();
  }
  assert.equal(h.writes.length, 1, "a second commit started while the first was in flight");
  assert.equal(queue.size, 5);
  h.writes[0]?.finish();
  await nextTurn();
  assert.deepEqual(
    h.writes.map((w) => w.ids),
    [[0], [1, 2, 3, 4, 5]],
  );
  // A backlog larger than a batch leaves in full batches, one after another.
  for (let n = 6; n < 30; n++) queue.push(item(n, answered));
  h.writes[1]?.finish();
  await nextTurn();
  h.writes[2]?.finish();
  await nextTurn();
  h.writes[3]?.finish();
  await nextTurn();
  h.writes[4]?.finish();
  await nextTurn();
  assert.deepEqual(
    h.writes.map((w) => w.ids.length),
    [1, 5, 10, 10, 4],
  );
  assert.equal(answered.size, 30);
});

test("adaptive: sends pushed in one turn go in one commit; with three writers a batch waits only when all three are busy", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const answered = new Set<number>();
  const h = heldWrites();
  const queue = new SendQueue(h.write, 10, 3);
  for (let n = 0; n < 4; n++) queue.push(item(n, answered));
  await nextTurn();
  queue.push(item(4, answered));
  await nextTurn();
  queue.push(item(5, answered));
  await nextTurn();
  queue.push(item(6, answered));
  queue.push(item(7, answered));
  await nextTurn();
  assert.deepEqual(
    h.writes.map((w) => w.ids),
    [[0, 1, 2, 3], [4], [5]],
  );
  h.writes[1]?.finish();
  await nextTurn();
  assert.deepEqual(h.writes[3]?.ids, [6, 7]);
});

test("backlog: past its limit a push says the queue is full, and whenRoom runs once half of it is taken", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const answered = new Set<number>();
  const h = heldWrites();
  const queue = new SendQueue(h.write, 4, 1, 8);
  assert.equal(queue.push(item(0, answered)), true);
  await nextTurn();
  // The first batch is in flight; the next ones wait for it.
  const room: boolean[] = [];
  for (let n = 1; n <= 9; n++) room.push(queue.push(item(n, answered)));
  assert.deepEqual(room, [true, true, true, true, true, true, true, false, false]);
  let resumed = 0;
  queue.whenRoom(() => (resumed += 1));
  queue.whenRoom(() => (resumed += 1));
  h.writes[0]?.finish();
  await nextTurn();
  // 9 waited, 4 left with the next batch: 5 is still more than half of 8.
  assert.equal(queue.size, 5);
  assert.equal(resumed, 0);
  h.writes[1]?.finish();
  await nextTurn();
  assert.equal(queue.size, 1);
  assert.equal(resumed, 2);
  // Each waiter runs once.
  h.writes[2]?.finish();
  await nextTurn();
  h.writes[3]?.finish();
  await nextTurn();
  assert.equal(resumed, 2);
  assert.equal(answered.size, 10);
});
