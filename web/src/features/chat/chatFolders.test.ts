import assert from "node:assert/strict";
import { test } from "node:test";
import type { Chat } from "@easyqr/protocol";
import { archiveSummary, chatList } from "./chatFolders.ts";
import { applyEvent, emptyChats, mergeChat, syncCursors, withChats } from "./chatState.ts";
import { CHAT, ME, chat, message, noSettings } from "./testData.ts";

const id = (n: number) => `${n}${n}${n}${n}${n}${n}${n}${n}-0000-4000-8000-000000000000`;
const at = (n: number, patch: Partial<Chat["settings"]> = {}, unread = 0): Chat =>
  chat([message(1, 1, { chatId: id(n) })], { id: id(n), activityAt: n * 1000, unread, settings: { ...noSettings, ...patch } });

test("pinned chats come first (latest pinned on top), then by activity; archived ones only in the archive", () => {
  const state = withChats(emptyChats(ME), [
    at(1),
    at(2, { pinnedAt: 10 }),
    at(3),
    at(4, { archivedAt: 5 }),
    at(5, { pinnedAt: 20 }),
    at(6, { archivedAt: 1 }, 2),
  ]);
  assert.deepEqual(
    chatList(state).map((c) => c.id),
    [id(5), id(2), id(3), id(1)],
  );
  assert.deepEqual(
    chatList(state, "archived").map((c) => c.id),
    [id(6), id(4)],
  );
  assert.deepEqual(archiveSummary(state, 0), { chats: 2, unread: 1 });
});

test("settings: a CHAT_SETTINGS event applies by its rev (an older one is ignored); a chat answer with older settings does not undo newer ones", () => {
  const state = withChats(emptyChats(ME), [chat([message(1)])]);
  const pinned = { ...noSettings, pinnedAt: 7, rev: 2 };
  const after = applyEvent(state, { type: "CHAT_SETTINGS", chatId: CHAT, settings: pinned });
  assert.deepEqual(after.chats[CHAT]?.settings, pinned);
  assert.equal(applyEvent(after, { type: "CHAT_SETTINGS", chatId: CHAT, settings: { ...noSettings, rev: 1 } }), after, "stale");
  const older = chat([message(1), message(2)]);
  const merged = mergeChat(after.chats[CHAT], older);
  assert.equal(merged.rev, 2, "the newer rev of messages");
  assert.deepEqual(merged.settings, pinned, "the newer settings");
  assert.deepEqual(syncCursors(after), [{ chatId: CHAT, rev: 1, receipts: 0, hidden: 0, settings: 2 }], "SYNC is told the settings rev");
  const unknown = applyEvent(after, { type: "CHAT_SETTINGS", chatId: id(9), settings: pinned });
  assert.equal(unknown.needsSync, true, "a chat not known here: catch up");
});
