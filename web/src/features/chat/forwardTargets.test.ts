import assert from "node:assert/strict";
import { test } from "node:test";
import type { Connection } from "@easyqr/protocol";
import { forwardTargets } from "./forwardTargets.ts";
import { chat, message } from "./testData.ts";

const connection = (id: string, name: string, username: string): Connection => ({
  user: { id, name, username, bio: null, avatar: null },
  since: 1,
  presence: { online: false, lastSeen: null },
});

test("every connection, the latest chats first, then by name; the filter matches word starts of name or username", () => {
  const people = [connection("a", "Zoe Quinn", "zq"), connection("b", "Amy Stone", "amys"), connection("c", "Bob Marsh", "bobby")];
  const chats = [chat([message(1)], { id: "chat-c", peer: { ...chat([]).peer, id: "c" }, activityAt: 50 })];
  const all = forwardTargets(people, chats, "");
  assert.deepEqual(
    all.map((t) => [t.name, t.chatId]),
    [
      ["Bob Marsh", "chat-c"],
      ["Amy Stone", undefined],
      ["Zoe Quinn", undefined],
    ],
  );
  assert.deepEqual(
    forwardTargets(people, chats, "sto").map((t) => t.userId),
    ["b"],
  );
  assert.deepEqual(
    forwardTargets(people, chats, "BOBB").map((t) => t.userId),
    ["c"],
  );
  assert.deepEqual(forwardTargets(people, chats, "mars amy"), []);
});
