import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_NOTIFICATION_BODY, MAX_NOTIFICATION_TITLE, type IpcChannel } from "../ipc.ts";
import { clipText, createBridge } from "./bridge.ts";

function fakeMain(answers: Partial<Record<IpcChannel, unknown>>) {
  const sent: Array<[IpcChannel, unknown]> = [];
  const bridge = createBridge((channel, payload) => {
    sent.push([channel, payload]);
    return Promise.resolve(answers[channel]);
  });
  return { bridge, sent };
}

test("showNotification sends the notification and resolves to whether it was shown", async () => {
  const { bridge, sent } = fakeMain({ "notification:show": { shown: true } });
  assert.equal(await bridge.showNotification({ tag: "chat-1", title: "Ann Lee", body: "Hello" }), true);
  assert.deepEqual(sent, [["notification:show", { tag: "chat-1", title: "Ann Lee", body: "Hello" }]]);
  const focused = fakeMain({ "notification:show": { shown: false } });
  assert.equal(await focused.bridge.showNotification({ tag: "chat-1", title: "Ann Lee", body: "Hello" }), false);
});

test("a long title or body is cut to fit, not refused", async () => {
  const { bridge, sent } = fakeMain({ "notification:show": { shown: true } });
  await bridge.showNotification({ tag: "chat-1", title: "T".repeat(1000), body: "B".repeat(4096) });
  const [[, payload]] = sent as [[IpcChannel, { title: string; body: string }]];
  assert.equal(payload.title.length, MAX_NOTIFICATION_TITLE);
  assert.equal(payload.body.length, MAX_NOTIFICATION_BODY);
  assert.ok(payload.body.endsWith("…"));
});

test("clipText cuts with an ellipsis and never splits a surrogate pair", () => {
  assert.equal(clipText("hello", 5), "hello");
  assert.equal(clipText("hello!", 5), "hell…");
  // "a😀b": the emoji is two UTF-16 units; cutting after "a" + half of it would leave a lone surrogate.
  assert.equal(clipText("a😀bcd", 3), "a…");
  assert.equal(clipText("ab😀cd", 4), "ab…");
  assert.equal(clipText("ab😀cd", 5), "ab😀…");
});

test("setBadgeCount sends { count } and resolves to nothing", async () => {
  const { bridge, sent } = fakeMain({ "badge:set": { ok: true } });
  assert.equal(await bridge.setBadgeCount(3), undefined);
  assert.deepEqual(sent, [["badge:set", { count: 3 }]]);
});

test("the page's bad arguments never reach the main process", async () => {
  const { bridge, sent } = fakeMain({ "notification:show": { shown: true }, "badge:set": { ok: true } });
  // The page is remote content: it can call the bridge with anything.
  const notifyAnything = bridge.showNotification as (notification: unknown) => Promise<boolean>;
  for (const bad of [
    42,
    null,
    undefined,
    "Hello",
    { tag: "chat-1", title: 1, body: "x" },
    { tag: "", title: "Ann", body: "x" },
    { tag: "chat-1", title: "Ann", body: "x", icon: "file:///x" },
  ]) {
    await assert.rejects(notifyAnything(bad), { code: "IPC_INVALID_REQUEST" }, JSON.stringify(bad));
  }
  const badgeAnything = bridge.setBadgeCount as (count: unknown) => Promise<void>;
  for (const bad of [-1, 0.5, "3", null, Number.POSITIVE_INFINITY]) {
    await assert.rejects(badgeAnything(bad), { code: "IPC_INVALID_REQUEST" }, String(bad));
  }
  assert.deepEqual(sent, []);
});

test("an unexpected answer from the main process is refused", async () => {
  const { bridge } = fakeMain({ "notification:show": { shown: true, secret: "x" }, "badge:set": "ok" });
  await assert.rejects(bridge.showNotification({ tag: "chat-1", title: "Ann", body: "x" }), { code: "IPC_INVALID_RESPONSE" });
  await assert.rejects(bridge.setBadgeCount(1), { code: "IPC_INVALID_RESPONSE" });
});

test("the bridge is frozen: the page cannot swap its functions", () => {
  const { bridge } = fakeMain({});
  assert.ok(Object.isFrozen(bridge));
  assert.deepEqual(Object.keys(bridge).sort(), ["setBadgeCount", "showNotification"]);
});
