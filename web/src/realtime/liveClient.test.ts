import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import type { AddressInfo } from "node:net";
import type { Message, ServerEvent } from "@easyqr/protocol";
import { WebSocketServer } from "ws";
import { AckFailure } from "./acks.ts";
import { fakeSockets, type FakeSocket } from "./fakeSocket.ts";
import { LiveClient, type LiveClientOptions, type LiveFeature } from "./liveClient.ts";
import { wsSocket } from "./wsSocket.ts";

const CHAT = "0190f0a0-0000-7000-8000-000000000002";
const message = (clientId: string): Message => ({
  id: "0190f0a0-0000-7000-8000-000000000001",
  chatId: CHAT,
  seq: 1,
  rev: 1,
  senderId: "me",
  clientId,
  text: "hi",
  replyTo: null,
  attachments: [],
  reactions: [],
  createdAt: 1,
  editedAt: null,
  deletedAt: null,
  forwarded: false,
  system: null,
  mentions: [],
});
const authenticated = { type: "AUTHENTICATED", userId: "me", sessionId: "s" } satisfies ServerEvent;
const flush = () => new Promise((resolve) => setImmediate(resolve));
type Frame = { type?: string; id?: string; accessToken?: string };
const frames = (socket: FakeSocket) => socket.sent as Frame[];

const clients: LiveClient[] = [];

function client(options: Partial<LiveClientOptions> = {}) {
  const sockets = fakeSockets();
  const states: string[] = [];
  const ended: string[] = [];
  const live = new LiveClient({
    server: "http://h",
    accessToken: () => Promise.resolve("t1"),
    refresh: () => Promise.resolve("t2"),
    onState: (state) => states.push(state),
    onEnded: (code) => ended.push(code),
    createSocket: sockets.createSocket,
    random: () => 0,
    ackTimeoutMs: 1_000,
    pingEveryMs: 25_000,
    ...options,
  });
  clients.push(live);
  return { live, sockets, states, ended };
}

/** A feature that records what it hears; its resync waits until the test lets it finish. */
function recorder() {
  const heard: string[] = [];
  let finish: () => void = () => {};
  const feature: LiveFeature = {
    event: (event) => void heard.push(event.type),
    resync: () => {
      heard.push("resync");
      return new Promise<void>((resolve) => (finish = resolve));
    },
  };
  return { feature, heard, finish: () => finish() };
}

beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "setInterval"] }));
afterEach(() => {
  for (const live of clients.splice(0)) live.stop();
  mock.timers.reset();
});

test("after each handshake every feature resyncs, and the outbox goes only once all have finished", async () => {
  const { live, sockets } = client();
  const contacts = recorder();
  const chats = recorder();
  live.subscribe(contacts.feature);
  live.subscribe(chats.feature);
  const answer = live.deliver({ type: "SEND", id: "m1", chatId: CHAT, text: "hi" });
  await live.start();
  const socket = sockets.last();
  socket.open();
  assert.deepEqual(frames(socket), [{ accessToken: "t1" }], "the handshake first, nothing else before its answer");
  socket.deliver(authenticated);
  socket.deliver({ type: "PRESENCE", userId: "u2", presence: { online: true, lastSeen: null } });
  assert.deepEqual(contacts.heard, ["resync", "PRESENCE"]);
  assert.deepEqual(chats.heard, ["resync", "PRESENCE"]);
  contacts.finish();
  await flush();
  assert.equal(frames(socket).length, 1, "the outbox waits for every resync");
  chats.finish();
  await flush();
  assert.deepEqual(frames(socket).slice(1), [{ type: "SEND", id: "m1", chatId: CHAT, text: "hi" }]);
  socket.deliver({ type: "ACK", id: "m1", message: message("m1") });
  const ack = await answer;
  assert.ok(!ack.error);
  assert.equal(ack.message.clientId, "m1", "parsed as the answer to a SEND: the stored message");
});

test("RESYNC (the server's nodes lost each other for a while) makes every feature catch up on the open socket", async () => {
  const { live, sockets } = client();
  const chats = recorder();
  live.subscribe(chats.feature);
  await live.start();
  const socket = sockets.last();
  socket.open();
  socket.deliver(authenticated);
  chats.finish();
  await flush();
  socket.deliver({ type: "RESYNC" });
  assert.deepEqual(chats.heard, ["resync", "resync"]);
  chats.finish();
  await flush();
  assert.equal(sockets.last(), socket, "the same socket: no reconnect");
  const answer = live.deliver({ type: "SEND", id: "m2", chatId: CHAT, text: "still going" });
  await flush();
  assert.deepEqual(frames(socket).at(-1), { type: "SEND", id: "m2", chatId: CHAT, text: "still going" }, "the outbox still flows");
  socket.deliver({ type: "ACK", id: "m2", message: message("m2") });
  assert.ok(!(await answer).error);
});

test("a delivery is resent with the same id after a drop, and settles once", async () => {
  const { live, sockets, states } = client();
  await live.start();
  sockets.last().open();
  sockets.last().deliver(authenticated);
  await flush();
  const answer = live.deliver({ type: "SEND", id: "m1", chatId: CHAT, text: "hi" });
  assert.equal(live.deliver({ type: "SEND", id: "m1", chatId: CHAT, text: "hi" }), answer, "the same id is the same delivery");
  assert.equal(frames(sockets.last()).filter((f) => f.type === "SEND").length, 1);
  sockets.last().drop();
  mock.timers.tick(1);
  assert.equal(sockets.sockets.length, 2, "reconnecting");
  sockets.last().open();
  sockets.last().deliver(authenticated);
  await flush();
  assert.deepEqual(
    frames(sockets.last())
      .filter((f) => f.type === "SEND")
      .map((f) => f.id),
    ["m1"],
    "sent again, same id",
  );
  sockets.last().deliver({ type: "ACK", id: "m1", error: { code: "CHAT_NOT_CONNECTED", message: "no" } });
  assert.equal((await answer).error?.code, "CHAT_NOT_CONNECTED", "a refusal is an answer too");
  assert.deepEqual(states, ["connecting", "ready", "retrying", "connecting", "ready"]);
});

test("an attempt without an answer on a live socket goes again after a pause; a cancelled one does not", async () => {
  const { live, sockets } = client({ redeliverAfterMs: 2_000 });
  await live.start();
  sockets.last().open();
  sockets.last().deliver(authenticated);
  await flush();
  const sends = () =>
    frames(sockets.last())
      .filter((f) => f.type === "SEND")
      .map((f) => f.id);
  void live.deliver({ type: "SEND", id: "a", chatId: CHAT, text: "a" }).catch(() => undefined);
  void live.deliver({ type: "SEND", id: "b", chatId: CHAT, text: "b" }).catch(() => undefined);
  mock.timers.tick(1_000);
  await flush();
  live.cancel("b");
  mock.timers.tick(2_000);
  assert.deepEqual(sends(), ["a", "b", "a"]);
});

test("an ACK that is not the answer to its request does not settle it", async () => {
  const { live, sockets } = client();
  await live.start();
  sockets.last().open();
  sockets.last().deliver(authenticated);
  const warn = mock.method(console, "warn", () => {});
  const sync = live.request({ type: "SYNC", id: "y1", chats: [] });
  sockets.last().deliver({ type: "ACK", id: "y1", message: message("x") });
  mock.timers.tick(1_000);
  await assert.rejects(sync, (e: unknown) => e instanceof AckFailure && e.reason === "timeout");
  warn.mock.restore();
});

test("an expired access token is refreshed and the reconnect uses the new one", async () => {
  const { live, sockets } = client();
  await live.start();
  sockets.last().open();
  sockets.last().deliver({ type: "ERROR", error: { code: "AUTH_TOKEN_EXPIRED", message: "old" } });
  sockets.last().drop(4000);
  await flush();
  assert.equal(sockets.sockets.length, 2, "reconnected at once, without waiting out the backoff");
  sockets.last().open();
  assert.deepEqual(frames(sockets.last()), [{ accessToken: "t2" }]);
});

test("a revoked session stops the client for good and says so", async () => {
  const { live, sockets, ended } = client();
  await live.start();
  sockets.last().open();
  sockets.last().deliver(authenticated);
  const waiting = live.deliver({ type: "SEND", id: "m1", chatId: CHAT, text: "hi" });
  sockets.last().deliver({ type: "ERROR", error: { code: "AUTH_SESSION_REVOKED", message: "bye" } });
  assert.deepEqual(ended, ["AUTH_SESSION_REVOKED"]);
  await assert.rejects(waiting, (e: unknown) => e instanceof AckFailure && e.reason === "stopped");
  mock.timers.tick(60_000);
  assert.equal(sockets.sockets.length, 1);
  assert.equal(sockets.last().closed, true);
});

test("a PING goes every interval while connected; one without an answer drops the socket and reconnects", async () => {
  const { live, sockets, states } = client({ pingEveryMs: 4_000, pongTimeoutMs: 5_000 });
  await live.start();
  mock.timers.tick(25_000);
  sockets.last().open();
  assert.deepEqual(frames(sockets.last()), [{ accessToken: "t1" }], "no ping before the handshake is answered");
  sockets.last().deliver(authenticated);
  mock.timers.tick(4_000);
  const ping = frames(sockets.last())[1];
  assert.equal(ping?.type, "PING");
  sockets.last().deliver({ type: "ACK", id: ping?.id ?? "" });
  await flush();
  mock.timers.tick(4_000);
  assert.equal(frames(sockets.last()).filter((f) => f.type === "PING").length, 2, "answered: the next one goes");
  // The network is gone without a close: no answer, no close event.
  mock.timers.tick(4_000);
  assert.equal(frames(sockets.last()).filter((f) => f.type === "PING").length, 2, "one ping at a time");
  mock.timers.tick(1_000);
  await flush();
  assert.equal(sockets.sockets.length, 1);
  assert.equal(states.at(-1), "retrying", "noticed 9 s after the last answer, at most");
  mock.timers.tick(1);
  assert.equal(sockets.sockets.length, 2, "a new socket");
});

test("the browser going offline drops a live socket at once", async () => {
  const { live, sockets, states } = client();
  await live.start();
  sockets.last().open();
  sockets.last().deliver(authenticated);
  live.networkLost();
  assert.equal(states.at(-1), "retrying");
});

test("without a token (offline after a reload) it keeps trying, and at once on retryNow", async () => {
  let reachable = false;
  const { live, sockets, states } = client({
    accessToken: () => (reachable ? Promise.resolve("t1") : Promise.reject(new Error("network down"))),
  });
  await live.start();
  assert.deepEqual(states, ["retrying"]);
  assert.equal(sockets.sockets.length, 0);
  mock.timers.tick(1);
  await flush();
  assert.equal(sockets.sockets.length, 0, "still no network");
  reachable = true;
  live.retryNow();
  await flush();
  assert.equal(sockets.sockets.length, 1, "the network is back: it connects");
});

// RATE_LIMITED: too fast for the server; UNAVAILABLE: its database is away for the moment. Both mean "again after retryAfterMs".
for (const code of ["RATE_LIMITED", "UNAVAILABLE"] as const)
  test(`${code} is a pause, not an answer: the refused SEND goes again first, and nothing after it before its answer`, async () => {
    let now = 0;
    const { live, sockets } = client({ now: () => now, pacing: { burst: 100, perSecond: 100, window: 3 } });
    await live.start();
    sockets.last().open();
    sockets.last().deliver(authenticated);
    await flush();
    const answers = ["a", "b", "c", "d"].map((id) => live.deliver({ type: "SEND", id, chatId: CHAT, text: id }));
    const sends = () =>
      frames(sockets.last())
        .filter((f) => f.type === "SEND")
        .map((f) => f.id);
    assert.deepEqual(sends(), ["a", "b", "c"], "a window of three");
    sockets.last().deliver({ type: "ACK", id: "a", error: { code, message: "not now", data: { retryAfterMs: 500 } } });
    sockets.last().deliver({ type: "ACK", id: "b", error: { code, message: "not now", data: { retryAfterMs: 500 } } });
    await flush();
    assert.deepEqual(sends(), ["a", "b", "c"], "nothing during the pause");
    sockets.last().deliver({ type: "ACK", id: "c", message: message("c") });
    await flush();
    now = 500;
    mock.timers.tick(500);
    await flush();
    assert.deepEqual(sends(), ["a", "b", "c", "a"], "the refused one first, alone");
    sockets.last().deliver({ type: "ACK", id: "a", message: message("a") });
    await flush();
    assert.deepEqual(sends(), ["a", "b", "c", "a", "b"]);
    sockets.last().deliver({ type: "ACK", id: "b", message: message("b") });
    await flush();
    sockets.last().deliver({ type: "ACK", id: "d", message: message("d") });
    for (const answer of answers) assert.equal((await answer).error, undefined, "none failed");
  });

test("the outbox leaves paced: a burst, then the rate, never more than the window without answers", async () => {
  let now = 0;
  const { live, sockets } = client({ now: () => now, pacing: { burst: 5, perSecond: 10, window: 4 } });
  await live.start();
  sockets.last().open();
  sockets.last().deliver(authenticated);
  await flush();
  const ids = Array.from({ length: 12 }, (_, i) => `m${i}`);
  for (const id of ids) void live.deliver({ type: "SEND", id, chatId: CHAT, text: id }).catch(() => undefined);
  const sent = () => frames(sockets.last()).filter((f) => f.type === "SEND");
  assert.equal(sent().length, 4, "the window");
  const answer = async (count: number) => {
    for (const frame of sent().slice(0, count)) sockets.last().deliver({ type: "ACK", id: frame.id ?? "", message: message(frame.id ?? "") });
    await flush();
  };
  await answer(4);
  assert.equal(sent().length, 5, "the burst is spent");
  now = 100;
  mock.timers.tick(100);
  await flush();
  assert.equal(sent().length, 6, "one more after 1/10 s");
  now = 1_000;
  mock.timers.tick(900);
  await answer(6);
  assert.deepEqual(
    sent().map((f) => f.id),
    ids.slice(0, sent().length),
    "in the order handed in",
  );
  assert.ok(sent().length <= 10);
});

// ---- Over a real socket -----------------------------------------------------------

test("over a real socket: handshake, resync, outbox; the server drops it; reconnect, resync again, the unanswered SEND again with its id", async () => {
  mock.timers.reset();
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  const received: { connection: number; frame: Frame }[] = [];
  let connections = 0;
  const answerSends = { value: false };
  server.on("connection", (ws) => {
    const connection = ++connections;
    ws.on("message", (data) => {
      const frame = JSON.parse((data as Buffer).toString()) as Frame;
      received.push({ connection, frame });
      if (frame.accessToken) return ws.send(JSON.stringify(authenticated));
      if (frame.type === "SEND" && frame.id && answerSends.value)
        ws.send(JSON.stringify({ type: "ACK", id: frame.id, message: message(frame.id) } satisfies ServerEvent));
    });
  });
  const resyncs: number[] = [];
  const live = new LiveClient({
    server: `http://127.0.0.1:${port}`,
    accessToken: () => Promise.resolve("real"),
    refresh: () => Promise.reject(new Error("not used")),
    onState: () => {},
    onEnded: () => {},
    createSocket: wsSocket,
    backoff: { baseMs: 10, maxMs: 10 },
    ackTimeoutMs: 5_000,
  });
  try {
    live.subscribe({ resync: () => void resyncs.push(connections) });
    const answer = live.deliver({ type: "SEND", id: "real-1", chatId: CHAT, text: "hi" });
    await live.start();
    await until(() => received.some((r) => r.frame.type === "SEND"));
    assert.deepEqual(
      received.map((r) => [r.connection, r.frame.type ?? "hello"]),
      [
        [1, "hello"],
        [1, "SEND"],
      ],
    );
    // The server goes away without answering; the client comes back on its own.
    answerSends.value = true;
    for (const ws of server.clients) ws.terminate();
    const ack = await answer;
    assert.ok(!ack.error);
    assert.equal(ack.message.clientId, "real-1");
    assert.deepEqual(
      received.map((r) => [r.connection, r.frame.type ?? "hello", r.frame.id ?? ""]),
      [
        [1, "hello", ""],
        [1, "SEND", "real-1"],
        [2, "hello", ""],
        [2, "SEND", "real-1"],
      ],
    );
    assert.deepEqual(resyncs, [1, 2], "a resync after each handshake");
  } finally {
    live.stop();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
