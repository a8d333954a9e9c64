import assert from "node:assert/strict";
import { test } from "node:test";
import { read } from "./frames.ts";

const message = { id: "m1", chatId: "c1", seq: 7, rev: 7, senderId: "u1", clientId: "w1-a_Z", text: 'says "clientId":"x"', replyTo: null };

test("ACKs and MESSAGEs are read from the bytes, as JSON.parse would read them", () => {
  assert.deepEqual(read(Buffer.from(JSON.stringify({ type: "ACK", id: "w1-3", message }))), { type: "ACK", id: "w1-3" });
  assert.deepEqual(read(Buffer.from(JSON.stringify({ type: "MESSAGE", message }))), { type: "MESSAGE", message: { clientId: "w1-a_Z" } });
});

test("an ACK with an error, and any other frame, goes through JSON.parse", () => {
  const refused = { type: "ACK", id: "w1-4", error: { code: "RATE_LIMITED", message: "slow down" } };
  assert.deepEqual(read(Buffer.from(JSON.stringify(refused))), refused);
  const presence = { type: "PRESENCE", userId: "u2", presence: { online: true, lastSeen: null } };
  assert.deepEqual(read(Buffer.from(JSON.stringify(presence))), presence);
});
