import assert from "node:assert/strict";
import { test } from "node:test";
import { ADA, GROUP, ME, PEER, message } from "../chat/testData.ts";
import { peopleNames } from "./names.ts";

const user = (id: string, name: string) => ({ id, name, username: null, bio: null, avatar: null });

test("people are named by the member list, then connections, then earlier lists, then system lines; else 'Former member'", () => {
  const info = { chatId: GROUP, group: {} as never, pendingRequests: 0, members: [{ user: user(ADA, "Ada"), role: "admin" as const, joinedAt: 1 }] };
  const connections = [{ user: user(PEER, "Bob"), since: 1, presence: { online: false, lastSeen: null } }];
  const lines = [message(1, 1, { chatId: GROUP, senderId: ADA, system: { event: "added", users: [{ id: "cy", name: "Cy" }] } })];
  const names = peopleNames(ME, info, connections, lines, { dee: user("dee", "Dee") });
  assert.deepEqual([ME, ADA, PEER, "dee", "cy", "nobody"].map(names), ["You", "Ada", "Bob", "Dee", "Cy", "Former member"]);
});

test("a system line names who did it (a leaver nobody sees any more); the server's last-sender name comes last", () => {
  const lines = [message(2, 2, { chatId: GROUP, senderId: "eve", system: { event: "left", actor: { id: "eve", name: "Eve" } } })];
  const names = peopleNames(ME, undefined, [], lines, {}, [
    { id: "fay", name: "Fay" },
    { id: "eve", name: "Eve Old" },
  ]);
  assert.deepEqual(["eve", "fay", "nobody"].map(names), ["Eve", "Fay", "Former member"]);
});
