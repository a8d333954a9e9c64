import assert from "node:assert/strict";
import { test } from "node:test";
import type { IpcChannel } from "../ipc.ts";
import { parseConfig } from "./config.ts";
import { registerIpcHandlers, type IpcInvokeEvent, type IpcListener } from "./ipcHandlers.ts";
import { isServerUrl } from "./urlPolicy.ts";

const config = parseConfig({ argv: [], env: {} });
const topFrame = (url: string): IpcInvokeEvent => ({ senderFrame: { url, parent: null } });
const fromDesktop = topFrame("http://localhost:3000/desktop");
const fromChat = topFrame("http://localhost:3000/home/chat/0193b6a0-0000-7000-8000-000000000001");
const hello = { tag: "chat-1", title: "Ann Lee", body: "Hello" };

function setup() {
  const shown: unknown[] = [];
  const badges: number[] = [];
  const listeners = new Map<IpcChannel, IpcListener>();
  registerIpcHandlers(
    (channel, listener) => listeners.set(channel, listener),
    {
      "notification:show": (request) => {
        shown.push(request);
        return { shown: true };
      },
      "badge:set": ({ count }) => {
        badges.push(count);
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
  return { shown, badges, listeners, call };
}

test("every channel of the map gets a handler", () => {
  const { listeners } = setup();
  assert.deepEqual([...listeners.keys()].sort(), ["badge:set", "notification:show"]);
});

test("the server's pages can show a notification and set the badge", async () => {
  const { call, shown, badges } = setup();
  assert.deepEqual(await call("notification:show", fromChat, hello), { shown: true });
  assert.deepEqual(await call("badge:set", fromDesktop, { count: 2 }), { ok: true });
  assert.deepEqual(shown, [hello]);
  assert.deepEqual(badges, [2]);
});

test("bad requests are refused before the handler runs", async () => {
  const { call, shown, badges } = setup();
  await assert.rejects(call("notification:show", fromChat, { ...hello, title: 1 }), { code: "IPC_INVALID_REQUEST" });
  await assert.rejects(call("notification:show", fromChat, { ...hello, body: "x".repeat(70_000) }), { code: "IPC_INVALID_REQUEST" });
  await assert.rejects(call("badge:set", fromChat, { count: -1 }), { code: "IPC_INVALID_REQUEST" });
  await assert.rejects(call("badge:set", fromChat, "please"), { code: "IPC_INVALID_REQUEST" });
  assert.deepEqual(shown, []);
  assert.deepEqual(badges, []);
});

test("only the top frame of a server page may call", async () => {
  const { call, shown, badges } = setup();
  const refused = { code: "IPC_FORBIDDEN_SENDER" };
  await assert.rejects(call("notification:show", topFrame("https://evil.test/"), hello), refused);
  await assert.rejects(call("notification:show", topFrame("file:///tmp/x.html"), hello), refused);
  await assert.rejects(call("badge:set", { senderFrame: null }, { count: 1 }), refused);
  const iframe: IpcInvokeEvent = { senderFrame: { url: "http://localhost:3000/desktop", parent: {} } };
  await assert.rejects(call("notification:show", iframe, hello), refused);
  assert.deepEqual(shown, []);
  assert.deepEqual(badges, []);
});

test("a handler's wrong answer is caught before it leaves the main process", async () => {
  const listeners = new Map<IpcChannel, IpcListener>();
  registerIpcHandlers(
    (channel, listener) => listeners.set(channel, listener),
    {
      // A handler bug the types cannot see: an answer that is not the schema's.
      "notification:show": () => JSON.parse('{"shown":"yes"}') as { shown: boolean },
      "badge:set": () => ({ ok: true }),
    },
    () => true,
  );
  const listener = listeners.get("notification:show");
  assert.ok(listener);
  await assert.rejects(listener(fromDesktop, hello), { code: "IPC_INVALID_RESPONSE" });
});
