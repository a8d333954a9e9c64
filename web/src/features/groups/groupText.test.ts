import assert from "node:assert/strict";
import { test } from "node:test";
import { groupChat, message, ADA, ME, PEER } from "../chat/testData.ts";
import { groupComposerLock, groupPreview, listNames, systemText, typingText } from "./groupText.ts";

const names = (id: string) => (id === ME ? "You" : id === ADA ? "Ada" : id === PEER ? "Bob" : "Someone");

test("system lines name who did it and to whom, 'you' for oneself", () => {
  const bob = { id: PEER, name: "Bob" };
  const me = { id: ME, name: "Me" };
  assert.equal(systemText({ event: "created", name: "Climbing" }, ME, names, ME), "You created the group “Climbing”");
  assert.equal(systemText({ event: "added", users: [bob, me] }, ADA, names, ME), "Ada added Bob and you");
  assert.equal(systemText({ event: "removed", users: [{ id: "x", name: "Cy" }] }, ADA, names, ME), "Ada removed Cy");
  assert.equal(systemText({ event: "left" }, PEER, names, ME), "Bob left");
  assert.equal(systemText({ event: "joined", approvedBy: null }, PEER, names, ME), "Bob joined using the group’s invite link");
  assert.equal(systemText({ event: "joined", approvedBy: { id: ADA, name: "Ada" } }, PEER, names, ME), "Bob joined, approved by Ada");
  assert.equal(systemText({ event: "renamed", name: "Crag" }, ADA, names, ME), "Ada changed the group name to “Crag”");
  assert.equal(systemText({ event: "photo_changed", removed: true }, ADA, names, ME), "Ada removed the group photo");
  assert.equal(systemText({ event: "admin_added", users: [bob], automatic: false }, ADA, names, ME), "Ada made Bob an admin");
  assert.equal(systemText({ event: "admin_added", users: [me], automatic: true }, ADA, names, ME), "You are now an admin");
  assert.equal(systemText({ event: "admin_added", users: [bob], automatic: true }, ADA, names, ME), "Bob is now an admin");
  assert.equal(systemText({ event: "admin_removed", users: [bob] }, ADA, names, ME), "Ada removed Bob as admin");
  assert.equal(
    systemText({ event: "settings_changed", settings: { onlyAdminsSend: true, onlyAdminsEdit: false } }, ADA, names, ME),
    "Ada changed the settings: only admins can send messages; all members can edit the group info",
  );
});

test("typing: one name, two names, then a count", () => {
  assert.equal(typingText([], names), "");
  assert.equal(typingText([ADA], names), "Ada is typing…");
  assert.equal(typingText([ADA, PEER], names), "Ada and Bob are typing…");
  assert.equal(typingText([ADA, PEER, "c"], names), "3 people are typing…");
  assert.equal(listNames(["A", "B", "C"]), "A, B and C");
});

test("a group's preview names the sender; a system line is its sentence", () => {
  assert.equal(groupPreview(message(1, 1, { senderId: ADA, text: "hi" }), "hi", names, ME), "Ada: hi");
  assert.equal(groupPreview(message(1, 1, { senderId: ME, text: "hi" }), "You: hi", names, ME), "You: hi");
  assert.equal(groupPreview(message(1, 1, { senderId: ADA, text: "", system: { event: "left" } }), "", names, ME), "Ada left");
});

test("the composer locks for a former member, and for members when only admins send", () => {
  assert.equal(groupComposerLock(groupChat([])), undefined);
  assert.match(groupComposerLock(groupChat([], { role: null })) ?? "", /no longer a member/);
  const adminsOnly = {
    name: "G",
    description: null,
    avatar: null,
    memberCount: 3,
    settings: { onlyAdminsSend: true, onlyAdminsEdit: false },
    createdBy: ME,
    createdAt: 1,
  };
  assert.equal(groupComposerLock(groupChat([], { group: adminsOnly })), "Only admins can send messages.");
  assert.equal(groupComposerLock(groupChat([], { group: adminsOnly, role: "admin" })), undefined);
});
