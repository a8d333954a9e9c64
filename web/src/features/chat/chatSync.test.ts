import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import type { Chat, ChatList, HistoryPage } from "@easyqr/protocol";
import { createStore } from "jotai";
import type { ChatsApi } from "../../api/chats.ts";
import { MemoryStorage } from "../../api/storage.ts";
import { fakeSockets } from "../../realtime/fakeSocket.ts";
import { LiveClient } from "../../realtime/liveClient.ts";
import { ChatSync } from "./chatSync.ts";
import { loadOutbox, storageOutbox } from "./outbox.ts";
import { chatsAtom, outboxAtom } from "./state.ts";
import { CHAT, GROUP, ME, chat, groupChat, message } from "./testData.ts";

const flush = () => new Promise((resolve) => setImmediate(resolve));
type Frame = { type: string; id?: string; text?: string; chats?: unknown };

let storage: MemoryStorage;
let chats: Chat[];
const clients: LiveClient[] = [];

const api: ChatsApi = {
  list: () => Promise.resolve({ chats, next: null } satisfies ChatList),
  open: () => Promise.reject(new Error("not used")),
  get: () => Promise.reject(new Error("not used")),
  history: () => Promise.resolve({ messages: [], more: false, through: 0 }),
  info: () => Promise.reject(new Error("not used")),
  settings: () => Promise.reject(new Error("not used")),
};

async function start() {
  const sockets = fakeSockets();
  const store = createStore();
  const live = new LiveClient({
    server: "http://h",
    accessToken: () => Promise.resolve("t"),
    refresh: () => Promise.reject(new Error("not used")),
    onState: () => {},
    onEnded: () => {},
    createSocket: sockets.createSocket,
    random: () => 0,
    ackTimeoutMs: 5_000,
  });
  clients.push(live);
  const sync = new ChatSync({ me: ME, api, live, store, outbox: storageOutbox(storage, ME), now: () => 1_000 });
  live.subscribe(sync);
  await live.start();
  // What the screens see: the atoms.
  const seen = {
    get state() {
      return store.get(chatsAtom);
    },
    get outbox() {
      return store.get(outboxAtom);
    },
  };
  /** Opens the current socket and answers the handshake and the SYNC that follows. */
  const connect = async () => {
    const socket = sockets.last();
    socket.open();
    socket.deliver({ type: "AUTHENTICATED", userId: ME, sessionId: "s" });
    await flush();
    const request = frames(socket).find((f) => f.type === "SYNC");
    assert.ok(request?.id, "SYNC after the connect");
    socket.deliver({ type: "ACK", id: request.id, sync: { chats: [] } });
    await flush();
    return socket;
  };
  return { sync, sockets, live, seen, connect };
}

const frames = (socket: { sent: unknown[] }) => socket.sent as Frame[];
const sends = (socket: { sent: unknown[] }) => frames(socket).filter((f) => f.type === "SEND");

beforeEach(() => {
  storage = new MemoryStorage();
  chats = [chat([message(1)])];
  mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
  mock.timers.reset();
});

test("typed offline: pending and stored at once, sent on connect after SYNC; the ack's message replaces it", async () => {
  const { sync, seen, connect } = await start();
  sync.send(CHAT, { text: "hello" });
  assert.equal(seen.outbox.length, 1);
  assert.equal(seen.outbox[0]?.status, "pending");
  assert.deepEqual(loadOutbox(storage, ME), seen.outbox, "kept across a reload");

  const socket = await connect();
  const [send] = sends(socket);
  assert.equal(send?.id, seen.outbox[0]?.clientId);
  assert.equal(send?.text, "hello");
  const syncAt = frames(socket).findIndex((f) => f.type === "SYNC");
  assert.ok(syncAt < frames(socket).indexOf(send), "SYNC goes before the outbox");

  socket.deliver({ type: "ACK", id: send.id, message: message(2, 2, { senderId: ME, clientId: send.id ?? "", text: "hello" }) });
  await flush();
  assert.deepEqual(seen.outbox, []);
  assert.deepEqual(loadOutbox(storage, ME), []);
  assert.equal(seen.state?.chats[CHAT]?.lastMessage?.text, "hello");
});

test("a lost ack: the same client id goes again after the reconnect, never a new one", async () => {
  const { sync, sockets, seen, connect } = await start();
  const first = await connect();
  sync.send(CHAT, { text: "once" });
  const id = sends(first)[0]?.id;
  assert.ok(id);
  first.drop();
  mock.timers.tick(60_000);
  const second = await connect();
  assert.equal(sockets.sockets.length, 2);
  assert.deepEqual(
    sends(second).map((f) => f.id),
    [id],
  );
  assert.equal(seen.outbox.length, 1, "still pending until acknowledged");
});

test("a reload keeps the pending message and sends it with its id", async () => {
  const before = await start();
  before.sync.send(CHAT, { text: "after reload" });
  const id = before.seen.outbox[0]?.clientId;
  before.sync.stop();
  const after = await start();
  assert.equal(after.seen.outbox[0]?.clientId, id);
  const socket = await after.connect();
  assert.deepEqual(
    sends(socket).map((f) => f.id),
    [id],
  );
});

test("an error ack marks it failed; retry sends the same id again; cancel drops it", async () => {
  const { sync, seen, connect } = await start();
  const socket = await connect();
  sync.send(CHAT, { text: "nope" });
  const id = sends(socket)[0]?.id ?? "";
  socket.deliver({ type: "ACK", id, error: { code: "CHAT_NOT_CONNECTED", message: "not connected" } });
  await flush();
  assert.equal(seen.outbox[0]?.status, "failed");
  assert.equal(seen.outbox[0]?.error, "CHAT_NOT_CONNECTED");

  sync.retry(id);
  assert.equal(seen.outbox[0]?.status, "pending");
  assert.deepEqual(
    sends(socket).map((f) => f.id),
    [id, id],
  );
  socket.deliver({ type: "ACK", id, error: { code: "CHAT_NOT_CONNECTED", message: "not connected" } });
  await flush();
  sync.cancel(id);
  assert.deepEqual(seen.outbox, []);
  assert.deepEqual(loadOutbox(storage, ME), []);
});

test("messages from the peer are marked delivered in one frame per chat", async () => {
  const { connect } = await start();
  const socket = await connect();
  socket.deliver({ type: "MESSAGE", message: message(3, 2) });
  socket.deliver({ type: "MESSAGE", message: message(5, 3) });
  mock.timers.tick(100);
  const delivered = frames(socket).filter((f) => f.type === "DELIVERED");
  assert.deepEqual(delivered, [{ type: "DELIVERED", chatId: CHAT, seq: 5 }]);
});

test("receipts are per device: this one says delivered and seen even when another device of mine said so first", async () => {
  chats = [chat([message(1)], { mine: { deliveredSeq: 1, seenSeq: 1 } })];
  const { sync, connect } = await start();
  const socket = await connect();
  socket.deliver({ type: "MESSAGE", message: message(3, 2) });
  // The phone's receipt arrives before this device's own went out.
  socket.deliver({ type: "RECEIPT", chatId: CHAT, userId: ME, receipts: { deliveredSeq: 3, seenSeq: 1 }, unread: 1 });
  mock.timers.tick(100);
  assert.deepEqual(
    frames(socket).filter((f) => f.type === "DELIVERED"),
    [{ type: "DELIVERED", chatId: CHAT, seq: 3 }],
  );
  mock.timers.tick(100);
  assert.equal(frames(socket).filter((f) => f.type === "DELIVERED").length, 1, "each advance once");
  socket.deliver({ type: "RECEIPT", chatId: CHAT, userId: ME, receipts: { deliveredSeq: 3, seenSeq: 3 }, unread: 0 });
  sync.markSeen(CHAT);
  sync.markSeen(CHAT);
  assert.deepEqual(
    frames(socket).filter((f) => f.type === "SEEN"),
    [{ type: "SEEN", chatId: CHAT, seq: 3 }],
  );
});

test("messages that reach this device through SYNC are marked delivered here, though the phone marked them already", async () => {
  const { sockets, connect } = await start();
  const first = await connect();
  first.close();
  await flush();
  mock.timers.tick(60_000);
  const socket = sockets.last();
  socket.open();
  socket.deliver({ type: "AUTHENTICATED", userId: ME, sessionId: "s" });
  await flush();
  const request = frames(socket).findLast((f) => f.type === "SYNC");
  const before = frames(socket).length;
  const caughtUp = chat([message(1), message(3, 2)], { mine: { deliveredSeq: 3, seenSeq: 0 }, unread: 2 });
  socket.deliver({ type: "ACK", id: request?.id ?? "", sync: { chats: [{ chat: caughtUp, changes: [message(3, 2)], resync: false, hidden: [] }] } });
  await flush();
  mock.timers.tick(100);
  assert.deepEqual(
    frames(socket)
      .slice(before)
      .filter((f) => f.type === "DELIVERED"),
    [{ type: "DELIVERED", chatId: CHAT, seq: 3 }],
  );
});

test("a skipped rev sends SYNC with the known cursors", async () => {
  const { seen, connect } = await start();
  const socket = await connect();
  socket.deliver({ type: "MESSAGE", message: message(3, 3) });
  await flush();
  const syncs = frames(socket).filter((f) => f.type === "SYNC");
  assert.equal(syncs.length, 2);
  assert.deepEqual(
    syncs[1]?.chats,
    [{ chatId: CHAT, rev: 1, receipts: 0, hidden: 0, settings: 0 }],
    "with the read state, hide count and settings rev known, which move without the rev",
  );
  assert.equal(seen.state?.chats[CHAT]?.rev, 1);
});

test("the chat list loads its next pages on request, once at a time, until `next` is null", async () => {
  const other = { ...chat([message(1)]), id: "44444444-4444-4444-8444-444444444444", activityAt: 500 };
  const asked: (number | undefined)[] = [];
  api.list = (before) => {
    asked.push(before);
    return Promise.resolve(before === undefined ? { chats, next: 1_000 } : { chats: [other], next: null });
  };
  try {
    const { sync, seen, connect } = await start();
    await connect();
    assert.equal(seen.state?.moreChats, 1_000);
    await Promise.all([sync.loadMoreChats(), sync.loadMoreChats()]);
    assert.deepEqual(asked, [undefined, 1_000], "one request for the second page");
    assert.deepEqual(Object.keys(seen.state?.chats ?? {}).sort(), [CHAT, other.id].sort());
    assert.equal(seen.state?.moreChats, null);
    await sync.loadMoreChats();
    assert.equal(asked.length, 2, "nothing more to load");
  } finally {
    api.list = () => Promise.resolve({ chats, next: null });
  }
});

test("joining a group: a SYNC answer that says resync while its first page is on the way does not leave the chat without history", async () => {
  const joined = message(5, 5, { chatId: GROUP, senderId: ME, text: "", system: { event: "joined", approvedBy: null } });
  const pages: ((page: HistoryPage) => void)[] = [];
  api.history = () => new Promise((resolve) => pages.push(resolve));
  try {
    const { sync, seen, connect } = await start();
    const socket = await connect();
    // The join's system line reaches this device before the chat does: a SYNC goes out without the group's cursor.
    socket.deliver({ type: "MESSAGE", message: joined });
    socket.deliver({ type: "GROUP_MEMBERSHIP", chat: groupChat([joined]) });
    await flush();
    const request = frames(socket).findLast((f) => f.type === "SYNC");
    // The chat opens and asks for its newest page; the SYNC answer (the group as new: resync) comes while it is on its way.
    const loaded = sync.load(GROUP, "newest");
    socket.deliver({ type: "ACK", id: request?.id ?? "", sync: { chats: [{ chat: groupChat([joined]), changes: [], resync: true, hidden: [] }] } });
    await flush();
    for (let i = 0; i < 5 && pages.length > 0; i++) {
      pages.shift()?.({ messages: [joined], more: true, through: 5 });
      await flush();
    }
    await loaded;
    assert.deepEqual(
      seen.state?.windows[GROUP]?.messages.map((m) => m.seq),
      [5],
      "the join line is shown",
    );
  } finally {
    api.history = () => Promise.resolve({ messages: [], more: false, through: 0 });
  }
});
