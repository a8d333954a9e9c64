import assert from "node:assert/strict";
import { test } from "node:test";
import { ReceiptQueue } from "./receiptQueue.ts";

type Item = { chatId: string; n: number };
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Writes that wait until the test finishes them, so the test decides when each commit ends. */
function heldWrites() {
  const writes: { chatId: string; ns: number[]; finish: () => void }[] = [];
  const write = (chatId: string, items: Item[]) => new Promise<void>((resolve) => writes.push({ chatId, ns: items.map((i) => i.n), finish: resolve }));
  return { write, writes };
}

test("a chat's receipts of one turn go as one batch; those that come while it is in flight go together right after it", async () => {
  const { write, writes } = heldWrites();
  const queue = new ReceiptQueue<Item>(write, 1_024);
  for (let n = 0; n < 5; n++) queue.push({ chatId: "g", n });
  await turn();
  assert.deepEqual(
    writes.map((w) => w.ns),
    [[0, 1, 2, 3, 4]],
    "one transaction for the turn's five",
  );
  for (let n = 5; n < 1_000; n++) queue.push({ chatId: "g", n });
  await turn();
  assert.equal(writes.length, 1, "nothing more for the chat while its batch is in flight");
  writes[0]?.finish();
  await turn();
  assert.equal(writes.length, 2);
  assert.deepEqual(
    writes[1]?.ns,
    Array.from({ length: 995 }, (_, i) => i + 5),
    "the 995 that gathered, in order, in one",
  );
  writes[1]?.finish();
  await turn();
  assert.equal(writes.length, 2, "and nothing after");
});

test("chats do not wait for each other; a batch holds at most batchSize", async () => {
  const { write, writes } = heldWrites();
  const queue = new ReceiptQueue<Item>(write, 3);
  for (let n = 0; n < 5; n++) queue.push({ chatId: "a", n });
  queue.push({ chatId: "b", n: 100 });
  await turn();
  assert.deepEqual(
    writes.map((w) => [w.chatId, w.ns]),
    [
      ["a", [0, 1, 2]],
      ["b", [100]],
    ],
  );
  writes[1]?.finish();
  queue.push({ chatId: "b", n: 101 });
  await turn();
  assert.deepEqual(writes[2]?.ns, [101], "b goes again at once though a is still writing");
  writes[0]?.finish();
  await turn();
  assert.deepEqual(writes[3]?.ns, [3, 4], "a's rest after its first batch");
});
