import assert from "node:assert/strict";
import { test } from "node:test";
import type { IpcChannel } from "../ipc.ts";
import { parseConfig } from "./config.ts";
import { registerIpcHandlers, type IpcInvokeEvent, type IpcListener } from "./ipcHandlers.ts";
import { isServerUrl } from "./urlPolicy.ts";

const config = parseConfig({ argv: [], env: {} });
const topFrame = (url: string): IpcInvokeEvent => ({ senderFrame: { url, parent: null } });
const fromDesktop = topFrame("http://localhost:3000/desktop");

function setup() {
  const clipboard: string[] = [];
  const listeners = new Map<IpcChannel, IpcListener>();
  registerIpcHandlers(
    (channel, listener) => listeners.set(channel, listener),
    {
      "app:info": () => ({ version: "0.1.0", platform: "linux" }),
      "clipboard:write": ({ text }) => {
        clipboard.push(text);
        return { ok: true };
      },
    },
    (url) => isServerUrl(url, config),
  );
  const call = (channel: IpcChannel, event: IpcInvokeEvent, raw: unknown) => {
    const listener = listeners.get(channel);
    assert.ok(listener, channel);
    return listener(event, raw);
  };
  return { clipboard, listeners, call };
}

test("every channel of the map gets a handler", () => {
  const { listeners } = setup();
  assert.deepEqual([...listeners.keys()].sort(), ["app:info", "clipboard:write"]);
});

test("the desktop page gets app info and can write the clipboard", async () => {
  const { call, clipboard } = setup();
  assert.deepEqual(await call("app:info", fromDesktop, undefined), { version: "0.1.0", platform: "linux" });
  assert.deepEqual(await call("clipboard:write", fromDesktop, { text: "EAN-13 4006381333931" }), { ok: true });
  assert.deepEqual(clipboard, ["EAN-13 4006381333931"]);
});

test("bad requests are refused before the handler runs", async () => {
  const { call, clipboard } = setup();
  await assert.rejects(call("clipboard:write", fromDesktop, { text: 1 }), { code: "IPC_INVALID_REQUEST" });
  await assert.rejects(call("clipboard:write", fromDesktop, { text: "x".repeat(70_000) }), { code: "IPC_INVALID_REQUEST" });
  await assert.rejects(call("app:info", fromDesktop, "please"), { code: "IPC_INVALID_REQUEST" });
  assert.deepEqual(clipboard, []);
});

test("only the top frame of a server page may call", async () => {
  const { call, clipboard } = setup();
  const refused = { code: "IPC_FORBIDDEN_SENDER" };
  await assert.rejects(call("clipboard:write", topFrame("https://evil.test/"), { text: "x" }), refused);
  await assert.rejects(call("clipboard:write", topFrame("file:///tmp/x.html"), { text: "x" }), refused);
  await assert.rejects(call("app:info", { senderFrame: null }, undefined), refused);
  const iframe: IpcInvokeEvent = { senderFrame: { url: "http://localhost:3000/desktop", parent: {} } };
  await assert.rejects(call("clipboard:write", iframe, { text: "x" }), refused);
  assert.deepEqual(clipboard, []);
});

test("a handler's wrong answer is caught before it leaves the main process", async () => {
  const listeners = new Map<IpcChannel, IpcListener>();
  registerIpcHandlers(
    (channel, listener) => listeners.set(channel, listener),
    {
      // A handler bug the types cannot see: a platform string from outside the enum.
      "app:info": () => JSON.parse('{"version":"1","platform":"plan9"}') as { version: string; platform: "linux" },
      "clipboard:write": () => ({ ok: true }),
    },
    () => true,
  );
  const listener = listeners.get("app:info");
  assert.ok(listener);
  await assert.rejects(listener(fromDesktop, undefined), { code: "IPC_INVALID_RESPONSE" });
});
