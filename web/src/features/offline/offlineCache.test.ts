import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Me } from "@easyqr/protocol";
import { IDBFactory } from "fake-indexeddb";
import { createStore } from "jotai";
import { cachedProfile, cacheProfile, openCache } from "../../api/offlineDb.ts";
import { MemoryStorage } from "../../api/storage.ts";
import { emptyChats, type ChatsState } from "../chat/chatState.ts";
import { outboxKey, saveOutbox, type OutboxItem } from "../chat/outbox.ts";
import { chatsAtom } from "../chat/state.ts";
import { ADA, CHAT, chat, GROUP, groupChat, ME, message, PEER } from "../chat/testData.ts";
import { contactsAtom } from "../contacts/state.ts";
import { OfflineCache, WINDOW_KEPT } from "./offlineCache.ts";
import { WindowPrefetch } from "./prefetch.ts";

/** A fresh IndexedDB per test (fake-indexeddb: the real one is the browser's, tested end to end). */
function freshDb() {
  globalThis.indexedDB = new IDBFactory();
  let db: ReturnType<typeof openCache> | undefined;
  return () => (db ??= openCache());
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const item = (clientId: string, createdAt: number): OutboxItem => ({
  clientId,
  chatId: CHAT,
  text: clientId,
  replyTo: null,
  attachments: [],
  createdAt,
  status: "pending",
});

const me: Me = {
  id: ME,
  name: "Ann",
  username: "ann",
  bio: null,
  avatar: null,
  email: "ann@example.com",
  phone: null,
  createdAt: 1,
  onboarded: true,
  hideLastSeen: false,
  bioVisibility: "connections",
};

test("nothing cached: no chats, no contacts, an empty outbox", async () => {
  const cache = new OfflineCache(freshDb());
  assert.deepEqual(await cache.load(ME), { chats: undefined, contacts: undefined, outbox: [] });
});

test("the chats, each chat's newest page and the contacts it follows come back on the next start", async () => {
  const open = freshDb();
  const store = createStore();
  const cache = new OfflineCache(open);
  const stop = cache.follow(store, ME);
  const messages = Array.from({ length: 80 }, (_, i) => message(i + 1));
  const state: ChatsState = { ...emptyChats(ME), chats: { [CHAT]: chat(messages) }, windows: { [CHAT]: { messages, hasOlder: false } }, moreChats: 17 };
  store.set(chatsAtom, state);
  const peer = { id: PEER, name: "Bob", username: "bob", bio: null, avatar: null };
  store.set(contactsAtom, { connections: [{ user: peer, since: 5, presence: { online: true, lastSeen: null } }], incoming: [], outgoing: [], blocked: [] });
  await wait(400);
  stop();

  const again = await new OfflineCache(open).load(ME);
  assert.deepEqual(again.chats?.chats, state.chats);
  assert.equal(again.chats?.moreChats, 17);
  assert.deepEqual(again.chats?.windows[CHAT], { messages: messages.slice(-WINDOW_KEPT), hasOlder: true }, "the newest page, and older ones exist");
  assert.equal(again.contacts?.connections[0]?.user.id, PEER);
  assert.deepEqual(await new OfflineCache(open).load("someone-else"), { chats: undefined, contacts: undefined, outbox: [] }, "kept per user");
});

test("group chats are kept too: card, role and system lines come back", async () => {
  const open = freshDb();
  const store = createStore();
  const stop = new OfflineCache(open).follow(store, ME);
  const messages = [
    message(1, 1, { chatId: GROUP, text: "", system: { event: "created", name: "Climbing" } }),
    message(2, 2, { chatId: GROUP, senderId: ADA, mentions: [ME] }),
  ];
  const group = groupChat(messages, { role: "admin" });
  store.set(chatsAtom, { ...emptyChats(ME), chats: { [GROUP]: group }, windows: { [GROUP]: { messages, hasOlder: false } } });
  await wait(400);
  stop();
  const again = await new OfflineCache(open).load(ME);
  assert.deepEqual(again.chats?.chats[GROUP], group);
  assert.deepEqual(again.chats?.windows[GROUP]?.messages, messages);
});

test("after stop nothing more is written", async () => {
  const open = freshDb();
  const store = createStore();
  const stop = new OfflineCache(open).follow(store, ME);
  stop();
  store.set(chatsAtom, { ...emptyChats(ME), chats: { [CHAT]: chat([message(1)]) } });
  await wait(400);
  assert.equal((await new OfflineCache(open).load(ME)).chats, undefined);
});

test("the outbox is written on every change, the last write wins, and an old localStorage outbox moves in", async () => {
  const open = freshDb();
  const legacy = new MemoryStorage();
  saveOutbox(legacy, ME, [item("old", 1)]);
  const cache = new OfflineCache(open, legacy);
  const loaded = await cache.load(ME);
  assert.deepEqual(loaded.outbox, [item("old", 1)]);
  const outbox = cache.outbox(ME, loaded.outbox);
  assert.deepEqual(outbox.load(), [item("old", 1)]);
  outbox.save([item("old", 1), item("a", 2)]);
  outbox.save([item("old", 1), item("a", 2), item("b", 3)]);
  outbox.save([item("a", 2), item("b", 3)]);
  await wait(50);
  assert.equal(legacy.getItem(outboxKey(ME)), null, "moved");
  assert.deepEqual((await new OfflineCache(open, legacy).load(ME)).outbox, [item("a", 2), item("b", 3)]);
  outbox.stop();
  outbox.save([]);
  await wait(50);
  assert.equal((await new OfflineCache(open).load(ME)).outbox.length, 2, "stopped: not written");
});

test("a record that does not parse counts as absent", async () => {
  const open = freshDb();
  const db = await open();
  assert.ok(db);
  await db.put("outbox", { userId: ME, items: [{ clientId: "not valid here!" }] });
  await db.put("chats", { userId: ME, chats: [{ id: 1 }] as never, moreChats: null });
  const loaded = await new OfflineCache(open).load(ME);
  assert.deepEqual(loaded.outbox, []);
  assert.equal(loaded.chats, undefined);
});

test("the profile is found only under the sign-in session that cached it; sign-out clears everything", async () => {
  const open = freshDb();
  const legacy = new MemoryStorage();
  saveOutbox(legacy, ME, [item("old", 1)]);
  legacy.setItem("easyqr.session", "kept");
  await cacheProfile("session-1", me, open);
  assert.deepEqual(await cachedProfile("session-1", open), me);
  assert.equal(await cachedProfile("session-2", open), undefined);
  const cache = new OfflineCache(open, legacy);
  cache.outbox(ME, []).save([item("x", 1)]);
  await wait(50);
  await cache.clear();
  assert.equal(await cachedProfile("session-1", open), undefined);
  assert.deepEqual(await cache.load(ME), { chats: undefined, contacts: undefined, outbox: [] });
  assert.equal(legacy.getItem(outboxKey(ME)), null);
  assert.equal(legacy.getItem("easyqr.session"), "kept", "only the cache's own keys");
});

test("without IndexedDB (some private modes) the outbox stays in localStorage, and the rest is simply not cached", async () => {
  const saved = globalThis.indexedDB;
  // @ts-expect-error: a browser without IndexedDB
  delete globalThis.indexedDB;
  try {
    const legacy = new MemoryStorage();
    const cache = new OfflineCache(() => openCache(), legacy);
    const outbox = cache.outbox(ME, []);
    outbox.save([item("kept", 1)]);
    await wait(20);
    assert.deepEqual((await cache.load(ME)).outbox, [item("kept", 1)]);
    assert.equal((await cache.load(ME)).chats, undefined);
  } finally {
    globalThis.indexedDB = saved;
  }
});

test("the prefetch keeps the newest page of the top chats not opened here, one at a time, and only again when a chat moved on", async () => {
  const open = freshDb();
  const store = createStore();
  const cache = new OfflineCache(open);
  // 25 chats, none opened in this tab; chat i's last activity grows with i.
  const chats = Array.from({ length: 25 }, (_, i) => {
    const id = `33333333-3333-4333-8333-${String(i).padStart(12, "0")}`;
    return chat([message(3, 3, { chatId: id, createdAt: 1_000 + i })], { id, activityAt: 1_000 + i });
  });
  const state: ChatsState = { ...emptyChats(ME), chats: Object.fromEntries(chats.map((c) => [c.id, c])) };
  const stopFollowing = cache.follow(store, ME);
  store.set(chatsAtom, state);
  const asked: string[] = [];
  let inFlight = 0;
  let most = 0;
  const history = async (chatId: string, limit: number) => {
    assert.equal(limit, WINDOW_KEPT);
    asked.push(chatId);
    most = Math.max(most, ++inFlight);
    await wait(1);
    inFlight--;
    const last = store.get(chatsAtom)!.chats[chatId]!.lastSeq;
    return { messages: [message(last - 1, last - 1, { chatId }), message(last, last, { chatId })], more: true, through: last };
  };
  const prefetch = new WindowPrefetch(cache, history, ME, { chats: 20, gapMs: 0, afterChangeMs: 0 });
  await prefetch.pass(store);
  const newest20 = chats
    .slice(5)
    .reverse()
    .map((c) => c.id);
  assert.deepEqual(asked, newest20, "the 20 most recent chats, most recent first");
  assert.equal(most, 1, "one page at a time");

  // A reload (offline): every one of them shows its last messages at once.
  await wait(400);
  stopFollowing();
  const loaded = await cache.load(ME);
  assert.deepEqual(Object.keys(loaded.chats!.windows).sort(), [...newest20].sort());
  assert.equal(loaded.chats!.windows[newest20[0]!]!.messages.at(-1)!.seq, 3);

  // Nothing changed: nothing fetched. One chat moved on: only that one.
  asked.length = 0;
  await prefetch.pass(store);
  assert.deepEqual(asked, []);
  const moved = chats[24]!;
  store.set(chatsAtom, { ...state, chats: { ...state.chats, [moved.id]: { ...moved, lastSeq: 4 } } });
  await prefetch.pass(store);
  assert.deepEqual(asked, [moved.id]);
  assert.equal((await cache.windowTops(ME)).get(moved.id), 4);
});

test("a window whose newest messages this person hid keeps how far it accounts for", async () => {
  const cache = new OfflineCache(freshDb());
  await cache.saveWindow(ME, CHAT, { messages: [message(1, 1)], hasOlder: false, through: 3 });
  assert.equal((await cache.windowTops(ME)).get(CHAT), 3, "seq 2 and 3 hidden: the window is current, nothing to fetch");
});
