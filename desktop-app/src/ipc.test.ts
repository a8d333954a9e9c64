import assert from "node:assert/strict";
import { test } from "node:test";
import { IpcError, MAX_NOTIFICATION_BODY, MAX_NOTIFICATION_TITLE, ipcChannels, isIpcChannel, parseIpcRequest, parseIpcResponse } from "./ipc.ts";

test("the map has exactly the two channels", () => {
  assert.deepEqual([...ipcChannels].sort(), ["badge:set", "notification:show"]);
  assert.ok(isIpcChannel("notification:show"));
  assert.equal(isIpcChannel("toString"), false);
  assert.equal(isIpcChannel("shell:openExternal"), false);
  assert.equal(isIpcChannel(42), false);
});

test("notification:show takes a tag, a title and a body, within their lengths", () => {
  const notification = { tag: "chat-1", title: "Ann Lee", body: "Hello" };
  assert.deepEqual(parseIpcRequest("notification:show", notification), notification);
  assert.equal(parseIpcRequest("notification:show", { ...notification, body: "" }).body, "");
  const longest = { tag: "t".repeat(64), title: "a".repeat(MAX_NOTIFICATION_TITLE), body: "b".repeat(MAX_NOTIFICATION_BODY) };
  assert.deepEqual(parseIpcRequest("notification:show", longest), longest);
  for (const bad of [
    { ...notification, title: "" },
    { ...notification, tag: "" },
    { ...notification, tag: "t".repeat(65) },
    { ...notification, title: "a".repeat(MAX_NOTIFICATION_TITLE + 1) },
    { ...notification, body: "b".repeat(MAX_NOTIFICATION_BODY + 1) },
    { ...notification, body: 42 },
    { ...notification, icon: "file:///etc/passwd" },
    { title: "Ann", body: "Hello" },
    "Hello",
    undefined,
  ]) {
    assert.throws(() => parseIpcRequest("notification:show", bad), { code: "IPC_INVALID_REQUEST" }, JSON.stringify(bad));
  }
  assert.deepEqual(parseIpcResponse("notification:show", { shown: false }), { shown: false });
  assert.throws(() => parseIpcResponse("notification:show", { shown: "yes" }), { code: "IPC_INVALID_RESPONSE" });
});

test("badge:set takes a whole count from 0", () => {
  assert.deepEqual(parseIpcRequest("badge:set", { count: 0 }), { count: 0 });
  assert.deepEqual(parseIpcRequest("badge:set", { count: 12_345 }), { count: 12_345 });
  for (const bad of [{ count: -1 }, { count: 1.5 }, { count: Number.NaN }, { count: Infinity }, { count: "3" }, { count: 3, extra: 1 }, {}, 3]) {
    assert.throws(() => parseIpcRequest("badge:set", bad), { code: "IPC_INVALID_REQUEST" }, JSON.stringify(bad));
  }
  assert.throws(() => parseIpcResponse("badge:set", { ok: true, extra: 1 }), IpcError);
});

test("errors name the code and the field, never the payload", () => {
  const secret = "s3cret".repeat(100);
  try {
    parseIpcRequest("notification:show", { tag: "chat-1", title: "Ann", body: secret });
    assert.fail("should throw");
  } catch (error) {
    assert.ok(error instanceof IpcError);
    assert.match(error.message, /^IPC_INVALID_REQUEST: notification:show: body: /);
    assert.equal(error.message.includes("s3cret"), false);
  }
});

test("an unknown channel is refused even when typed code is bypassed", () => {
  const parse: (channel: string, raw: unknown) => unknown = parseIpcRequest as (channel: string, raw: unknown) => unknown;
  assert.throws(() => parse("__proto__", {}), { code: "IPC_UNKNOWN_CHANNEL" });
  assert.throws(() => parse("clipboard:write", { text: "x" }), { code: "IPC_UNKNOWN_CHANNEL" });
});
