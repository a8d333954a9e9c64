import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { ChatOrder, IN_FLIGHT_MS, ORDER_HOLD_MS } from "./chatOrder.ts";

let order: ChatOrder;
let got: string[];
beforeEach(() => {
  mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"], now: Date.parse("2026-01-01T00:00:00Z") });
  order = new ChatOrder();
  got = [];
});
afterEach(() => {
  order.close();
  mock.timers.reset();
});

/** `prevAt`: when the rev before it moved; by default long ago (0: none), so a chat new here starts at once. */
const deliver = (chatId: string, rev: number, who = "", prevAt = 0) => order.deliver({ chatId, rev, prevAt }, () => got.push(`${chatId}:${rev}${who}`));
/** A predecessor that moved a moment ago, on another node: it may still be on its way here. */
const justNow = () => Date.now() - 20;

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
  order.skip({ chatId: "c", prevAt: 0, rev: 2 });
  await turnEnds();
  assert.deepEqual(got, ["c:1", "c:3"], "the skipped rev releases the one waiting for it");
  order.skip({ chatId: "c", prevAt: 0, rev: 4 });
  deliver("c", 6);
  assert.deepEqual(got, ["c:1", "c:3"], "6 overtook 5, still on its way: held");
  order.skip({ chatId: "c", prevAt: 0, rev: 5 });
  await turnEnds();
  assert.deepEqual(got, ["c:1", "c:3", "c:6"]);
});

test("a chat new here whose change's predecessor moved just now waits for it: the writer's own ACK does not overtake the revs on their way", async () => {
  deliver("c", 9, "+ack", justNow());
  deliver("c", 8, "", justNow());
  assert.deepEqual(got, [], "8 and 9 wait: their predecessors may still be on their way");
  deliver("c", 7);
  assert.deepEqual(got, ["c:7"], "7's predecessor moved long ago: it goes at once and the chat is known from it");
  await turnEnds();
  assert.deepEqual(got, ["c:7", "c:8", "c:9+ack"]);
  assert.equal(order.counts.timedOut, 0);
});

test("a chat new here (or forgotten) whose change's predecessor moved long ago goes at once: no wait after a quiet spell", () => {
  deliver("c", 1);
  assert.deepEqual(got, ["c:1"], "a first change (no predecessor)");
  mock.timers.tick(61_000);
  deliver("c", 40, "", Date.now() - 31_000);
  assert.deepEqual(got, ["c:1", "c:40"], `the chat was forgotten; 39 moved more than ${IN_FLIGHT_MS} ms ago`);
  deliver("c", 42, "", justNow());
  assert.deepEqual(got, ["c:1", "c:40"], "known again from 40: 42 waits for 41");
  deliver("c", 41, "", justNow());
  assert.deepEqual(got, ["c:1", "c:40", "c:41"]);
});

test(`a chat new here whose predecessors never come: what it held goes in rev order after ${ORDER_HOLD_MS} ms, and the chat goes on from the highest`, () => {
  deliver("c", 9, "", justNow());
  deliver("c", 7, "", justNow());
  deliver("c", 8, "", justNow());
  mock.timers.tick(ORDER_HOLD_MS - 1);
  assert.deepEqual(got, []);
  mock.timers.tick(1);
  assert.deepEqual(got, ["c:7", "c:8", "c:9"]);
  assert.equal(order.counts.timedOut, 1);
  deliver("c", 10, "", justNow());
  assert.deepEqual(got.at(-1), "c:10", "the next after the highest goes at once");
});
