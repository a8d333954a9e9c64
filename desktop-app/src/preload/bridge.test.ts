import assert from "node:assert/strict";
import { test } from "node:test";
import type { IpcChannel } from "../ipc.ts";
import { createBridge } from "./bridge.ts";

function fakeMain(answers: Partial<Record<IpcChannel, unknown>>) {
  const sent: Array<[IpcChannel, unknown]> = [];
  const bridge = createBridge((channel, payload) => {
    sent.push([channel, payload]);
    return Promise.resolve(answers[channel]);
  });
  return { bridge, sent };
}

test("appInfo asks the main process and returns its parsed answer", async () => {
  const { bridge, sent } = fakeMain({ "app:info": { version: "0.1.0", platform: "darwin" } });
  assert.deepEqual(await bridge.appInfo(), { version: "0.1.0", platform: "darwin" });
  assert.deepEqual(sent, [["app:info", undefined]]);
});

test("writeClipboard sends { text } and resolves to nothing", async () => {
  const { bridge, sent } = fakeMain({ "clipboard:write": { ok: true } });
  assert.equal(await bridge.writeClipboard("hello"), undefined);
  assert.deepEqual(sent, [["clipboard:write", { text: "hello" }]]);
});

test("the page's bad arguments never reach the main process", async () => {
  const { bridge, sent } = fakeMain({ "clipboard:write": { ok: true } });
  // The page is remote content: it can call the bridge with anything.
  const writeAnything = bridge.writeClipboard as (text: unknown) => Promise<void>;
  for (const bad of [42, null, undefined, { text: "x" }, "x".repeat(64 * 1024 + 1)]) {
    await assert.rejects(writeAnything(bad), { code: "IPC_INVALID_REQUEST" });
  }
  assert.deepEqual(sent, []);
});

test("an unexpected answer from the main process is refused", async () => {
  const { bridge } = fakeMain({ "app:info": { version: "0.1.0", platform: "linux", secret: "x" }, "clipboard:write": "ok" });
  await assert.rejects(bridge.appInfo(), { code: "IPC_INVALID_RESPONSE" });
  await assert.rejects(bridge.writeClipboard("x"), { code: "IPC_INVALID_RESPONSE" });
});

test("the bridge is frozen: the page cannot swap its functions", () => {
  const { bridge } = fakeMain({});
  assert.ok(Object.isFrozen(bridge));
  assert.deepEqual(Object.keys(bridge).sort(), ["appInfo", "writeClipboard"]);
});
