import assert from "node:assert/strict";
import { test } from "node:test";
import type { Message, ServerEvent } from "@easyqr/protocol";
import { chatList } from "./chatFolders.ts";
import { applyEvent, applyPage, applySync, emptyChats, isDeletedAccount, withChats, type ChatsState } from "./chatState.ts";
import { CHAT, ME, PEER, chat, message } from "./testData.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
const unreadOf = (messages: Message[], seenSeq = 0) => messages.filter((m) => m.senderId === PEER && m.seq > seenSeq).length;

/** What a fresh fetch gives: the chat and its newest page. */
const fetched = (messages: Message[], patch: Parameters<typeof chat>[1] = {}): ChatsState =>
  applyPage(
    withChats(emptyChats(ME), [chat(messages, { unread: unreadOf(messages), ...patch })]),
    CHAT,
    { messages, more: false, through: messages.at(-1)?.seq ?? 0 },
    "newest",
  );

const apply = (state: ChatsState, events: ServerEvent[]) => events.reduce(applyEvent, state);
const newMessage = (m: Message): ServerEvent => ({ type: "MESSAGE", message: m });

test("stale state + the events = a fresh fetch (new messages, an edit, a reaction, a delete, receipts)", () => {
  const stale = fetched(range(1, 3));
  const m4 = message(4);
  const m5 = message(5);
  const edited = message(2, 6, { text: "edited", editedAt: 9_000 });
  const reacted = message(4, 7, { reactions: [{ userId: ME, emoji: "👍", at: 9_500 }] });
  const deleted = message(5, 8, { text: null, deletedAt: 9_900 });
  const events: ServerEvent[] = [
    newMessage(m4),
    newMessage(m5),
    { type: "MESSAGE_UPDATED", message: edited },
    { type: "MESSAGE_UPDATED", message: reacted },
    { type: "MESSAGE_UPDATED", message: deleted },
    { type: "RECEIPT", chatId: CHAT, userId: PEER, receipts: { deliveredSeq: 4, seenSeq: 2 } },
    { type: "RECEIPT", chatId: CHAT, userId: ME, receipts: { deliveredSeq: 5, seenSeq: 3 }, unread: 1 },
  ];
  const truth = [message(1), edited, message(3), reacted, deleted];
  const fresh = fetched(truth, { unread: 1, mine: { deliveredSeq: 5, seenSeq: 3 }, theirs: { deliveredSeq: 4, seenSeq: 2 }, activityAt: m5.createdAt });
  assert.deepEqual(apply(stale, events), fresh);
  // Events already reflected in the fetch are no-ops, whatever their order.
  assert.deepEqual(apply(fresh, events), fresh);
  assert.deepEqual(apply(fresh, [...events].reverse()), fresh);
});

test("a duplicate message is a no-op and returns the same state object", () => {
  const state = apply(fetched(range(1, 2)), [newMessage(message(3))]);
  assert.equal(applyEvent(state, newMessage(message(3))), state);
  assert.equal(state.chats[CHAT]?.unread, 2);
  assert.equal(state.windows[CHAT]?.messages.length, 3);
});

test("a skipped rev is not applied and asks for SYNC; the SYNC answer fills the gap in order", () => {
  const stale = fetched(range(1, 2));
  const gapped = applyEvent(stale, newMessage(message(4)));
  assert.equal(gapped.needsSync, true);
  assert.equal(gapped.chats[CHAT]?.rev, 2);
  assert.equal(gapped.windows[CHAT]?.messages.length, 2);
  const truth = range(1, 4);
  const synced = applySync(
    { ...gapped, needsSync: false },
    { chats: [{ chat: chat(truth, { unread: unreadOf(truth) }), changes: [message(4), message(3)], resync: false, hidden: [] }] },
  );
  assert.deepEqual(synced, fetched(truth));
});

test("a message for a chat not known here asks for SYNC, which brings the chat", () => {
  const state = applyEvent(emptyChats(ME), newMessage(message(1)));
  assert.equal(state.needsSync, true);
  const synced = applySync(
    { ...state, needsSync: false },
    { chats: [{ chat: chat([message(1)], { unread: 1 }), changes: [message(1)], resync: false, hidden: [] }] },
  );
  assert.equal(synced.chats[CHAT]?.lastMessage?.seq, 1);
  assert.equal(synced.windows[CHAT], undefined, "no window until the chat is opened");
});

test("resync drops the cached window (the chat reloads its newest page)", () => {
  const state = applySync(fetched(range(1, 3)), { chats: [{ chat: chat(range(1, 2000)), changes: [], resync: true, hidden: [] }] });
  assert.equal(state.windows[CHAT], undefined);
  assert.equal(state.chats[CHAT]?.lastSeq, 2000);
});

test("older pages go before the window; history and live messages meet without doubles", () => {
  let state = applyPage(withChats(emptyChats(ME), [chat(range(1, 100))]), CHAT, { messages: range(51, 100), more: true, through: 100 }, "newest");
  state = applyPage(state, CHAT, { messages: range(1, 50), more: false, through: 50 }, "older");
  state = applyPage(state, CHAT, { messages: range(1, 50), more: false, through: 50 }, "older");
  assert.deepEqual(
    state.windows[CHAT]?.messages.map((m) => m.seq),
    range(1, 100).map((m) => m.seq),
  );
  assert.equal(state.windows[CHAT]?.hasOlder, false);
});

test("receipts never move back; typing shows until a message from them arrives", () => {
  let state = fetched(range(1, 4));
  state = applyEvent(state, { type: "RECEIPT", chatId: CHAT, userId: PEER, receipts: { deliveredSeq: 4, seenSeq: 4 } });
  const same = applyEvent(state, { type: "RECEIPT", chatId: CHAT, userId: PEER, receipts: { deliveredSeq: 2, seenSeq: 1 } });
  assert.equal(same, state);
  state = applyEvent(state, { type: "TYPING", chatId: CHAT, userId: PEER, typing: true, until: 50_000 });
  assert.deepEqual(state.typing[CHAT], { [PEER]: 50_000 });
  assert.equal(applyEvent(state, { type: "TYPING", chatId: CHAT, userId: ME, typing: true, until: 60_000 }), state, "my own typing is not shown");
  state = applyEvent(state, newMessage(message(5)));
  assert.equal(state.typing[CHAT], undefined);
});

test("my own messages (from another device or an ack) do not count as unread", () => {
  const state = apply(fetched(range(1, 1), { unread: 0, mine: { deliveredSeq: 1, seenSeq: 1 } }), [
    newMessage(message(2)),
    { type: "ACK", id: "x", message: message(4, 4) },
  ]);
  assert.equal(state.chats[CHAT]?.unread, 0);
  assert.equal(state.needsSync, true, "seq 4 skipped rev 3");
});

test("the chat list is ordered by last activity", () => {
  const other = { ...chat([message(1)]), id: "44444444-4444-4444-8444-444444444444", activityAt: 5_000 };
  const state = withChats(emptyChats(ME), [chat(range(1, 3)), other]);
  assert.deepEqual(
    chatList(state).map((c) => c.id),
    [other.id, CHAT],
  );
  const later = applyEvent(state, newMessage(message(4, 4, { createdAt: 10_000 })));
  assert.deepEqual(
    chatList(later).map((c) => c.id),
    [CHAT, other.id],
  );
});

test("a changed card of the peer replaces the chat's peer; anyone else's changes nothing", () => {
  const state = fetched(range(1, 2));
  const peer = { id: PEER, name: "Bobby", username: "bob", bio: "hello", avatar: null };
  const after = applyEvent(state, { type: "PROFILE_UPDATED", user: peer });
  assert.deepEqual(after, fetched(range(1, 2), { peer }));
  assert.equal(applyEvent(state, { type: "PROFILE_UPDATED", user: { ...peer, id: "someone-else" } }), state);
});

test("a removed or blocked connection keeps the chat and its history but no longer lets it send; connecting again does", () => {
  const state = fetched(range(1, 3));
  const removed = applyEvent(state, { type: "CONNECTION_REMOVED", userId: PEER });
  const shown = removed.chats[CHAT];
  assert.equal(shown?.kind, "direct");
  assert.equal(shown.connected, false);
  assert.equal(removed.windows[CHAT], state.windows[CHAT], "the history stays");
  assert.equal(applyEvent(removed, { type: "CONNECTION_REMOVED", userId: "someone-else" }), removed);
  const again = applyEvent(removed, { type: "CONNECTION_ADDED", connection: { user: shown.peer, since: 1, presence: { online: false, lastSeen: null } } });
  const back = again.chats[CHAT];
  assert.equal(back?.kind, "direct");
  assert.equal(back.connected, true);
});

test("the peer deleting their account: the chat shows a deleted account with no messages; the next SYNC drops it", () => {
  const state = fetched(range(1, 3));
  const deleted = applyEvent(state, { type: "CONNECTION_REMOVED", userId: PEER, reason: "account_deleted" });
  const shown = deleted.chats[CHAT];
  assert.equal(shown?.kind, "direct");
  assert.equal(isDeletedAccount(shown.peer), true);
  assert.deepEqual({ connected: shown.connected, lastMessage: shown.lastMessage, unread: shown.unread }, { connected: false, lastMessage: null, unread: 0 });
  assert.deepEqual(deleted.windows[CHAT], { messages: [], hasOlder: false });
  const synced = applySync({ ...deleted, typing: { [CHAT]: { [PEER]: 1 } } }, { chats: [], removed: [CHAT] });
  assert.deepEqual([Object.keys(synced.chats), Object.keys(synced.windows), Object.keys(synced.typing)], [[], [], []]);
});
