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
    const queue = new SendQueue(r.write, 10, 0, concurrency);
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

test("with a gap, batches start at most every gapMs unless a full one is waiting, even with slots free", async () => {
  const answered = new Set<number>();
  const r = recorder(() => 0);
  const gapMs = 15;
  const queue = new SendQueue(r.write, 10, gapMs, 3);
  let n = 0;
  for (let turn = 0; turn < 60; turn++) {
    queue.push(item(n++, answered));
    await sleep(2);
  }
  // A burst: full batches leave without waiting for the gap.
  for (let k = 0; k < 30; k++) queue.push(item(n++, answered));
  while (answered.size < n) await sleep(5);
  r.batches.forEach((b, i) => {
    const previous = r.batches[i - 1];
    if (previous && b.ids.length < 10) assert.ok(b.at - previous.at >= gapMs, `batch ${i} started ${(b.at - previous.at).toFixed(1)} ms after the one before`);
  });
  assert.ok(
    r.batches.some((b, i) => b.ids.length === 10 && i > 0 && b.at - (r.batches[i - 1]?.at ?? 0) < gapMs),
    "a full batch did not wait",
  );
  assert.deepEqual(
    r.batches.flatMap((b) => b.ids),
    Array.from({ length: n }, (_, i) => i),
  );
});

test("an idle queue writes a send at once", async () => {
  const answered = new Set<number>();
  const r = recorder();
  const queue = new SendQueue(r.write, 10, 1_000, 3);
  const before = performance.now();
  queue.push(item(0, answered));
  while (answered.size < 1) await sleep(1);
  assert.ok((r.batches[0]?.at ?? Infinity) - before < 50);
});
