import assert from "node:assert/strict";
import { test } from "node:test";
import { IpcError, MAX_CLIPBOARD_BYTES, ipcChannels, isIpcChannel, parseIpcRequest, parseIpcResponse } from "./ipc.ts";

test("the map has exactly the two channels", () => {
  assert.deepEqual([...ipcChannels].sort(), ["app:info", "clipboard:write"]);
  assert.ok(isIpcChannel("app:info"));
  assert.equal(isIpcChannel("toString"), false);
  assert.equal(isIpcChannel("shell:openExternal"), false);
  assert.equal(isIpcChannel(42), false);
});

test("app:info takes nothing and answers version + platform", () => {
  assert.equal(parseIpcRequest("app:info", undefined), undefined);
  assert.throws(() => parseIpcRequest("app:info", { x: 1 }), { code: "IPC_INVALID_REQUEST" });
  assert.deepEqual(parseIpcResponse("app:info", { version: "0.1.0", platform: "linux" }), {
    version: "0.1.0",
    platform: "linux",
  });
  assert.throws(() => parseIpcResponse("app:info", { version: "0.1.0", platform: "plan9" }), {
    code: "IPC_INVALID_RESPONSE",
  });
  assert.throws(() => parseIpcResponse("app:info", { version: "0.1.0", platform: "linux", home: "/root" }), IpcError);
});

test("clipboard:write takes a string of at most 64 KB of UTF-8", () => {
  const max = "a".repeat(MAX_CLIPBOARD_BYTES);
  assert.equal(parseIpcRequest("clipboard:write", { text: max }).text.length, MAX_CLIPBOARD_BYTES);
  assert.equal(parseIpcRequest("clipboard:write", { text: "" }).text, "");
  assert.throws(() => parseIpcRequest("clipboard:write", { text: `${max}a` }), { code: "IPC_INVALID_REQUEST" });
  // 3 bytes per character in UTF-8: fewer characters than the limit, more bytes.
  const wide = "€".repeat(Math.floor(MAX_CLIPBOARD_BYTES / 3) + 1);
  assert.ok(wide.length < MAX_CLIPBOARD_BYTES);
  assert.throws(() => parseIpcRequest("clipboard:write", { text: wide }), { code: "IPC_INVALID_REQUEST" });
});

test("clipboard:write refuses anything that is not { text: string }", () => {
  for (const bad of [undefined, null, "text", 42, {}, { text: 42 }, { text: ["a"] }, { text: "a", extra: 1 }]) {
    assert.throws(() => parseIpcRequest("clipboard:write", bad), { code: "IPC_INVALID_REQUEST" }, JSON.stringify(bad));
  }
});

test("errors name the code and the field, never the payload", () => {
  const secret = "s3cret".repeat(20_000);
  try {
    parseIpcRequest("clipboard:write", { text: secret });
    assert.fail("should throw");
  } catch (error) {
    assert.ok(error instanceof IpcError);
    assert.match(error.message, /^IPC_INVALID_REQUEST: clipboard:write: text: /);
    assert.equal(error.message.includes("s3cret"), false);
  }
});

test("an unknown channel is refused even when typed code is bypassed", () => {
  const parse: (channel: string, raw: unknown) => unknown = parseIpcRequest as (channel: string, raw: unknown) => unknown;
  assert.throws(() => parse("__proto__", {}), { code: "IPC_UNKNOWN_CHANNEL" });
});
