import assert from "node:assert/strict";
import { test } from "node:test";
import { MUTED_ALWAYS, type Attachment, type Chat, type Message, type ServerEvent } from "@easyqr/protocol";
import { atom, createStore } from "jotai";
import { applyEvent, emptyChats, withChats, type ChatsState } from "../chat/chatState.ts";
import { ADA, CHAT, GROUP, ME, PEER, chat, groupChat, message, noSettings } from "../chat/testData.ts";
import type { DesktopBridge, DesktopNotification } from "./bridge.ts";
import { unreadTotal } from "../chat/unread.ts";
import { followChats, HIDDEN_PREVIEW, newMessageNotifications } from "./chatAlerts.ts";

const OTHER_CHAT = "44444444-4444-4444-8444-444444444444";
const THIRD_CHAT = "55555555-5555-4555-8555-555555555555";
const state = (...chats: Chat[]): ChatsState => withChats(emptyChats(ME), chats);
const photo: Attachment = { id: "a", kind: "image", name: "p.jpg", mime: "image/jpeg", size: 1, width: 1, height: 1, url: "/a", thumbUrl: null };
const arrives = (before: ChatsState, m: Message): ChatsState => applyEvent(before, { type: "MESSAGE", message: m } satisfies ServerEvent);

test("the badge is the unread count over the loaded chats, 0 when signed out", () => {
  assert.equal(unreadTotal(undefined, 0), 0);
  assert.equal(unreadTotal(state(), 0), 0);
  const other = chat([message(1, 1, { chatId: OTHER_CHAT })], { id: OTHER_CHAT, unread: 4 });
  assert.equal(unreadTotal(state(chat([message(1)], { unread: 1 }), other), 0), 5);
});

test("a new message from the peer is announced with their name and the preview", () => {
  const before = state(chat([message(1), message(2)], { mine: { deliveredSeq: 1, seenSeq: 1 } }));
  const after = arrives(before, message(3, 3, { text: "Lunch?" }));
  assert.deepEqual(newMessageNotifications(before, after), [{ tag: CHAT, title: "Bob", body: "Lunch?" }]);
  const withPhoto = arrives(before, message(3, 3, { text: "", attachments: [photo] }));
  assert.deepEqual(
    newMessageNotifications(before, withPhoto).map((n) => n.body),
    ["Photo"],
  );
});

test("nothing for my own messages, edits, reactions, deletions, seen messages or the first state", () => {
  const before = state(chat([message(1), message(2)]));
  assert.deepEqual(newMessageNotifications(before, arrives(before, message(3, 3, { senderId: ME }))), [], "my message");
  const withThree = arrives(before, message(3));
  assert.deepEqual(newMessageNotifications(withThree, arrives(withThree, message(3, 4, { text: "edited", editedAt: 5 }))), [], "an edit");
  assert.deepEqual(newMessageNotifications(withThree, arrives(withThree, message(3, 4, { text: null, deletedAt: 5 }))), [], "a delete");
  const seenElsewhere: ChatsState = { ...withThree, chats: { [CHAT]: { ...withThree.chats[CHAT]!, unread: 0 } } };
  assert.deepEqual(newMessageNotifications(before, seenElsewhere), [], "read on another device meanwhile");
  assert.deepEqual(newMessageNotifications(undefined, withThree), [], "the backlog after sign-in");
  assert.deepEqual(newMessageNotifications(withThree, undefined), [], "signed out");
  assert.deepEqual(newMessageNotifications(state(), { ...withThree, me: PEER }), [], "another account");
});

test("a chat that appears: its first message is announced, a chat list page of older chats is not", () => {
  const before = state(chat([message(5)], { unread: 0 }));
  const fresh = chat([message(7, 1, { chatId: OTHER_CHAT })], { id: OTHER_CHAT, unread: 1 });
  assert.deepEqual(newMessageNotifications(before, withChats(before, [fresh])), [{ tag: OTHER_CHAT, title: "Bob", body: "message 7" }]);
  const older = chat([message(3, 1, { chatId: OTHER_CHAT })], { id: OTHER_CHAT, unread: 1 });
  assert.deepEqual(newMessageNotifications(before, withChats(before, [older])), []);
});

test("several messages at once (back online) make one notification per chat, with the newest", () => {
  const before = state(chat([message(1)], { unread: 1 }));
  const after = [message(3, 2), message(5, 3)].reduce(arrives, before);
  assert.deepEqual(newMessageNotifications(before, after), [{ tag: CHAT, title: "Bob", body: "message 5" }]);
});

test("followChats: badge on every change of the total, notifications only while unfocused", async () => {
  const store = createStore();
  const chats = atom<ChatsState | undefined>(undefined);
  const badges: number[] = [];
  const shown: DesktopNotification[] = [];
  const bridge: DesktopBridge = {
    showNotification: (n) => {
      shown.push(n);
      return Promise.resolve(true);
    },
    setBadgeCount: (count) => {
      badges.push(count);
      return Promise.resolve();
    },
  };
  let focused = false;
  const stop = followChats(store, chats, bridge, { quiet: () => focused, previews: () => true });
  const signedIn = state(chat([message(1)], { unread: 1 }));
  store.set(chats, signedIn);
  assert.deepEqual(shown, [], "the backlog is not announced");
  const first = arrives(signedIn, message(3, 2, { text: "Hello" }));
  store.set(chats, first);
  focused = true;
  store.set(chats, arrives(first, message(5, 3, { text: "Are you there?" })));
  store.set(chats, undefined);
  stop();
  store.set(chats, signedIn);
  await Promise.resolve();
  assert.deepEqual(badges, [0, 1, 2, 3, 0]);
  assert.deepEqual(shown, [{ tag: CHAT, title: "Bob", body: "Hello" }]);
});

test("followChats: a refused call is logged, never thrown into the app", async () => {
  const store = createStore();
  const chats = atom<ChatsState | undefined>(state(chat([message(1)], { unread: 1 })));
  const warnings: unknown[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    const failing: DesktopBridge = {
      showNotification: () => Promise.reject(new Error("IPC_INVALID_REQUEST")),
      setBadgeCount: () => Promise.reject(new Error("IPC_FORBIDDEN_SENDER")),
    };
    const stop = followChats(store, chats, failing, { quiet: () => false, previews: () => true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    stop();
  } finally {
    console.warn = original;
  }
  assert.equal(warnings.length, 1);
});

test("a muted chat makes no notification until its mute runs out; previews off says only 'New message'", () => {
  const before = state(chat([message(1)], { unread: 1 }));
  const mutedUntil = 50_000;
  const muted = state(chat([message(1)], { unread: 1, settings: { ...noSettings, mutedUntil, rev: 1 } }));
  const arrived = arrives(muted, message(3, 2, { text: "psst" }));
  assert.deepEqual(newMessageNotifications(muted, arrived, { previews: true, now: mutedUntil - 1 }), [], "muted");
  assert.deepEqual(newMessageNotifications(muted, arrived, { previews: true, now: mutedUntil }), [{ tag: CHAT, title: "Bob", body: "psst" }], "ran out");
  const always = state(chat([message(1)], { unread: 1, settings: { ...noSettings, mutedUntil: MUTED_ALWAYS, rev: 1 } }));
  assert.deepEqual(newMessageNotifications(always, arrives(always, message(3, 2)), { previews: true, now: Date.now() }), [], "muted always");
  assert.deepEqual(newMessageNotifications(before, arrives(before, message(3, 2, { text: "secret" })), { previews: false, now: 0 }), [
    { tag: CHAT, title: "Bob", body: HIDDEN_PREVIEW },
  ]);
  const archived = state(chat([message(1)], { unread: 1, settings: { ...noSettings, archivedAt: 1, rev: 1 } }));
  assert.equal(newMessageNotifications(archived, arrives(archived, message(3, 2)), { previews: true, now: 0 }).length, 1, "archived but not muted: notified");
});

test("the badge leaves out muted and archived chats", () => {
  const other = chat([message(1, 1, { chatId: OTHER_CHAT })], { id: OTHER_CHAT, unread: 4, settings: { ...noSettings, mutedUntil: 10_000, rev: 1 } });
  const archived = chat([message(1, 1, { chatId: THIRD_CHAT })], { id: THIRD_CHAT, unread: 2, settings: { ...noSettings, archivedAt: 5, rev: 1 } });
  const all = state(chat([message(1)], { unread: 1 }), other, archived);
  assert.equal(unreadTotal(all, 9_999), 1);
  assert.equal(unreadTotal(all, 10_000), 5, "the mute ran out");
});

test("followChats: the policy keeps a chat quiet (the open, focused one) while others still notify", () => {
  const store = createStore();
  const chats = atom<ChatsState | undefined>(undefined);
  const shown: DesktopNotification[] = [];
  const sink = { showNotification: (n: DesktopNotification) => (shown.push(n), Promise.resolve(true)), setBadgeCount: () => Promise.resolve() };
  const stop = followChats(store, chats, sink, { quiet: (id) => id === CHAT, previews: () => false });
  const signedIn = state(chat([message(1)], { unread: 1 }), chat([message(1, 1, { chatId: OTHER_CHAT })], { id: OTHER_CHAT, unread: 1 }));
  store.set(chats, signedIn);
  const one = arrives(signedIn, message(3, 2));
  store.set(chats, one);
  store.set(chats, arrives(one, message(3, 2, { chatId: OTHER_CHAT })));
  stop();
  assert.deepEqual(shown, [{ tag: OTHER_CHAT, title: "Bob", body: HIDDEN_PREVIEW }]);
});

test("a muted group stays quiet but for a message that mentions me; system lines never notify", () => {
  const muted = { ...noSettings, mutedUntil: MUTED_ALWAYS };
  const before = state(groupChat([message(1, 1, { chatId: GROUP })], { settings: muted }));
  const plain = arrives(before, message(2, 2, { chatId: GROUP, senderId: ADA, text: "hi all" }));
  assert.deepEqual(newMessageNotifications(before, plain), []);
  const mention = arrives(before, message(2, 2, { chatId: GROUP, senderId: ADA, text: "@Me look", mentions: [ME] }));
  assert.deepEqual(newMessageNotifications(before, mention), [{ tag: GROUP, title: "Climbing", body: "@Me look" }]);
  const open = state(groupChat([message(1, 1, { chatId: GROUP })]));
  const line = arrives(open, message(2, 2, { chatId: GROUP, senderId: ADA, text: "", system: { event: "left" } }));
  assert.deepEqual(newMessageNotifications(open, line), []);
});
