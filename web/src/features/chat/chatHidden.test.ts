import assert from "node:assert/strict";
import { test } from "node:test";
import type { Message, ServerEvent } from "@easyqr/protocol";
import { applyEvent, applyPage, applySync, emptyChats, syncCursors, windowBehind, withChats, type ChatsState } from "./chatState.ts";
import { CHAT, ME, chat, message } from "./testData.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
const seqs = (state: ChatsState) => state.windows[CHAT]?.messages.map((m) => m.seq);
const hiddenEvent = (m: Message, hidden: number, lastMessage: Message | null): ServerEvent => ({
  type: "MESSAGE_HIDDEN",
  chatId: CHAT,
  messageId: m.id,
  hidden,
  lastMessage,
});

/** A fresh fetch of a chat whose reader hid `hidden` of `all`: the server leaves them out of the page and the preview. */
function fetchedHiding(all: Message[], hidden: number[]): ChatsState {
  const shown = all.filter((m) => !hidden.includes(m.seq));
  const base = chat(all, { hidden: hidden.length, lastMessage: shown.at(-1) ?? null });
  return applyPage(withChats(emptyChats(ME), [base]), CHAT, { messages: shown, more: false, through: all.at(-1)?.seq ?? 0 }, "newest");
}

test("a hidden message leaves the window, the preview falls back, and the next message still appends after it", () => {
  const all = range(1, 4);
  let state = fetchedHiding(all, []);
  state = applyEvent(state, hiddenEvent(all[3] as Message, 1, all[2] as Message));
  assert.deepEqual(seqs(state), [1, 2, 3]);
  assert.equal(state.chats[CHAT]?.lastMessage?.seq, 3);
  assert.equal(state.chats[CHAT]?.hidden, 1);
  assert.equal(windowBehind(state, CHAT), undefined, "seq 4 is accounted for, not missing");
  state = applyEvent(state, { type: "MESSAGE", message: message(5) });
  assert.deepEqual(seqs(state), [1, 2, 3, 5]);
  // A change to the hidden one (the peer reacts) moves the rev and shows nothing.
  state = applyEvent(state, { type: "MESSAGE_UPDATED", message: message(4, 6, { reactions: [{ userId: "p", emoji: "👍", at: 1 }] }) });
  assert.deepEqual(seqs(state), [1, 2, 3, 5]);
  assert.equal(state.chats[CHAT]?.rev, 6);
  assert.equal(state.needsSync, false);
});

test("a page that ends on hidden messages accounts for them: a live message after them appends", () => {
  let state = fetchedHiding(range(1, 5), [4, 5]);
  assert.deepEqual(seqs(state), [1, 2, 3]);
  assert.equal(windowBehind(state, CHAT), undefined);
  state = applyEvent(state, { type: "MESSAGE", message: message(6) });
  assert.deepEqual(seqs(state), [1, 2, 3, 6]);
  // Updates inside the window still find their message past the gap.
  state = applyEvent(state, { type: "MESSAGE_UPDATED", message: message(6, 7, { text: "edited" }) });
  assert.equal(state.windows[CHAT]?.messages.at(-1)?.text, "edited");
});

test("SYNC names what another device hid; the cursor carries the hide count; a skipped count asks for SYNC", () => {
  const all = range(1, 3);
  let state = fetchedHiding(all, []);
  assert.deepEqual(syncCursors(state)[0]?.hidden, 0);
  state = applySync(state, {
    chats: [{ chat: chat(all, { hidden: 1, lastMessage: all[2] as Message }), changes: [], resync: false, hidden: [(all[1] as Message).id] }],
  });
  assert.deepEqual(seqs(state), [1, 3]);
  assert.equal(syncCursors(state)[0]?.hidden, 1);
  // Hide number 3 arrives, number 2 was missed: the count stays, and a SYNC is due.
  state = applyEvent(state, hiddenEvent(all[0] as Message, 3, all[2] as Message));
  assert.deepEqual(seqs(state), [3]);
  assert.equal(state.chats[CHAT]?.hidden, 1);
  assert.equal(state.needsSync, true);
});
