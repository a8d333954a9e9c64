import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { ChatOrder, ORDER_HOLD_MS } from "./chatOrder.ts";

let order: ChatOrder;
let got: string[];
beforeEach(() => {
  mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  order = new ChatOrder();
  got = [];
});
afterEach(() => {
  order.close();
  mock.timers.reset();
});

const deliver = (chatId: string, rev: number, who = "") => order.deliver(chatId, rev, () => got.push(`${chatId}:${rev}${who}`));

/** What waits behind a change goes once every call of that change in this turn has (a microtask). */
const turnEnds = () => new Promise<void>((resolve) => queueMicrotask(resolve));

test("the next rev goes at once; a later one waits for its predecessor, then both go in order", async () => {
  deliver("c", 5);
  deliver("c", 7);
  deliver("c", 7, "+more");
  assert.deepEqual(got, ["c:5"], "7 waits for 6 (and so does the rest of its audience)");
  deliver("other", 1);
  assert.deepEqual(got, ["c:5", "other:1"], "other chats are not held");
  deliver("c", 6);
  deliver("c", 6, "+reader");
  assert.deepEqual(got, ["c:5", "other:1", "c:6", "c:6+reader"], "every call of rev 6 in this turn goes before 7");
  await turnEnds();
  assert.deepEqual(got, ["c:5", "other:1", "c:6", "c:6+reader", "c:7", "c:7+more"]);
  deliver("c", 7, "+late");
  assert.equal(got.at(-1), "c:7+late", "the same rev again (more of its audience) goes at once");
  assert.equal(order.counts.held, 2);
});

test(`a predecessor that never comes holds the chat at most ${ORDER_HOLD_MS} ms; then everything held goes in rev order and the chat goes on`, () => {
  deliver("c", 1);
  deliver("c", 4);
  deliver("c", 3);
  mock.timers.tick(ORDER_HOLD_MS - 1);
  assert.deepEqual(got, ["c:1"]);
  mock.timers.tick(1);
  assert.deepEqual(got, ["c:1", "c:3", "c:4"]);
  assert.equal(order.counts.timedOut, 1);
  deliver("c", 2);
  deliver("c", 5);
  assert.deepEqual(got.slice(3), ["c:2", "c:5"], "a late one goes at once (the client's rev rule takes it); the next in turn too");
});

test("a change nobody here hears moves the chat on: what waits for it goes, and the chat stays known", async () => {
  deliver("c", 1);
  deliver("c", 3);
  order.skip("c", 2);
  await turnEnds();
  assert.deepEqual(got, ["c:1", "c:3"], "the skipped rev releases the one waiting for it");
  order.skip("c", 4);
  deliver("c", 6);
  assert.deepEqual(got, ["c:1", "c:3"], "6 overtook 5, still on its way: held");
  order.skip("c", 5);
  await turnEnds();
  assert.deepEqual(got, ["c:1", "c:3", "c:6"]);
});
