import assert from "node:assert/strict";
import { test } from "node:test";
import { applyEvent, applyPage, emptyChats, typistsIn, withChats, type ChatsState } from "./chatState.ts";
import { ADA, GROUP, ME, PEER, groupChat, message } from "./testData.ts";

const opened = (): ChatsState => {
  const messages = [message(1, 1, { chatId: GROUP, senderId: ME, text: "", system: { event: "created", name: "Climbing" } })];
  return applyPage(withChats(emptyChats(ME), [groupChat(messages)]), GROUP, { messages, more: false, through: 1 }, "newest");
};

test("a group shows each typist until their own message arrives; my typing is not shown", () => {
  let state = opened();
  state = applyEvent(state, { type: "TYPING", chatId: GROUP, userId: ADA, typing: true, until: 50_000 });
  state = applyEvent(state, { type: "TYPING", chatId: GROUP, userId: PEER, typing: true, until: 40_000 });
  state = applyEvent(state, { type: "TYPING", chatId: GROUP, userId: ME, typing: true, until: 40_000 });
  assert.deepEqual(typistsIn(state, GROUP, 10_000), [ADA, PEER]);
  assert.deepEqual(typistsIn(state, GROUP, 45_000), [ADA], "a typist whose time ran out is gone");
  state = applyEvent(state, { type: "MESSAGE", message: message(2, 2, { chatId: GROUP, senderId: ADA }) });
  assert.deepEqual(typistsIn(state, GROUP, 10_000), [PEER], "Ada's message ends her typing only");
  state = applyEvent(state, { type: "TYPING", chatId: GROUP, userId: PEER, typing: false, until: 0 });
  assert.deepEqual(state.typing, {});
});

test("GROUP_UPDATED changes the card; GROUP_RECEIPT moves the aggregate ticks forward only", () => {
  let state = opened();
  const card = { ...groupChat([]).group, name: "Crag", memberCount: 4 };
  state = applyEvent(state, { type: "GROUP_UPDATED", chatId: GROUP, group: card });
  const chat = state.chats[GROUP];
  assert.equal(chat?.kind === "group" && chat.group.name, "Crag");
  state = applyEvent(state, { type: "GROUP_RECEIPT", chatId: GROUP, theirs: { deliveredSeq: 1, seenSeq: 1 } });
  assert.deepEqual(state.chats[GROUP]?.theirs, { deliveredSeq: 1, seenSeq: 1 });
  const back = applyEvent(state, { type: "GROUP_RECEIPT", chatId: GROUP, theirs: { deliveredSeq: 0, seenSeq: 0 } });
  assert.equal(back, state, "an older aggregate changes nothing");
});

test("GROUP_MEMBERSHIP: a new group appears; being removed sets role null and asks SYNC for the system line", () => {
  const added = applyEvent(emptyChats(ME), { type: "GROUP_MEMBERSHIP", chat: groupChat([message(1, 1, { chatId: GROUP })]) });
  assert.equal(added.chats[GROUP]?.kind, "group");
  assert.equal(added.needsSync, false);

  let state = opened();
  state = applyEvent(state, { type: "TYPING", chatId: GROUP, userId: ADA, typing: true, until: 50_000 });
  const removed = groupChat([message(1), message(2, 2, { chatId: GROUP, senderId: ADA, system: { event: "removed", users: [{ id: ME, name: "Me" }] } })], {
    role: null,
  });
  state = applyEvent(state, { type: "GROUP_MEMBERSHIP", chat: removed });
  const chat = state.chats[GROUP];
  assert.equal(chat?.kind === "group" ? chat.role : "?", null);
  assert.equal(chat?.rev, 1, "the rev moves with the messages, not with the event");
  assert.equal(state.needsSync, true);
  assert.deepEqual(typistsIn(state, GROUP, 0), [], "nobody types in a group one left");
});

test("join requests waiting are counted per group", () => {
  const state = applyEvent(opened(), { type: "GROUP_JOIN_REQUESTS", chatId: GROUP, pending: 2 });
  assert.equal(state.joinRequests[GROUP], 2);
  assert.equal(applyEvent(state, { type: "GROUP_JOIN_REQUESTS", chatId: GROUP, pending: 2 }), state);
});

test("the server's name of a group's last sender stays with their message: another sender's message clears it", () => {
  const first = message(1, 1, { chatId: GROUP, senderId: ADA });
  let state = withChats(emptyChats(ME), [groupChat([first], { lastSenderName: "Ada" })]);
  state = applyEvent(state, { type: "MESSAGE", message: message(2, 2, { chatId: GROUP, senderId: ADA }) });
  assert.equal(state.chats[GROUP]?.kind === "group" && state.chats[GROUP].lastSenderName, "Ada", "Ada again: still her name");
  state = applyEvent(state, { type: "MESSAGE", message: message(3, 3, { chatId: GROUP, senderId: PEER }) });
  assert.equal(state.chats[GROUP]?.kind === "group" && state.chats[GROUP].lastSenderName, null);
});
