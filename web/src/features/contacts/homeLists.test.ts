import assert from "node:assert/strict";
import { test } from "node:test";
import type { Connection } from "@easyqr/protocol";
import { emptyChats, withChats } from "../chat/chatState.ts";
import { chat, message, PEER } from "../chat/testData.ts";
import { contactsWithoutChat } from "./homeLists.ts";

const connection = (id: string): Connection => ({
  user: { id, name: id, username: id, bio: null, avatar: null },
  since: 1,
  presence: { online: false, lastSeen: null },
});

test("home lists each person once: a contact with a chat is under Chats, not again under Contacts", () => {
  const people = [connection(PEER), connection("new-friend")];
  const state = withChats(emptyChats("me"), [chat([message(1)])]);
  assert.deepEqual(
    contactsWithoutChat(people, state).map((c) => c.user.id),
    ["new-friend"],
  );
  assert.equal(contactsWithoutChat(people, emptyChats("me")).length, 2);
  assert.equal(contactsWithoutChat(people, undefined).length, 2, "before the chats load, nobody goes missing");
});
