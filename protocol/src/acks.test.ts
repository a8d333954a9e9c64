import assert from "node:assert/strict";
import { test } from "node:test";
import { AckOf, parseAck, requestId } from "./acks.ts";
import type { Message } from "./chat.ts";
import { encodeFrame, isMessageFrame, messageFrames } from "./encode.ts";
import { ServerEvent } from "./socket.ts";

const message: Message = {
  id: "0190f0a0-0000-7000-8000-000000000001",
  chatId: "0190f0a0-0000-7000-8000-000000000002",
  seq: 3,
  rev: 4,
  senderId: "u1",
  clientId: "c1",
  text: 'hello "quoted" \u2028 line',
  replyTo: null,
  attachments: [],
  reactions: [{ userId: "u2", emoji: "👍🏽", at: 5 }],
  createdAt: 1,
  editedAt: null,
  deletedAt: null,
  forwarded: false,
  system: null,
  mentions: [],
};
const refusal = { type: "ACK", id: "r1", error: { code: "RATE_LIMITED", message: "slow down", data: { retryAfterMs: 40 } } };

test("parseAck: each request's answer parses with its own schema", () => {
  assert.deepEqual(parseAck("SEND", { type: "ACK", id: "s1", message }), { type: "ACK", id: "s1", message });
  assert.deepEqual(parseAck("EDIT", { type: "ACK", id: "e1", message }), { type: "ACK", id: "e1", message });
  assert.deepEqual(parseAck("SCAN", { type: "ACK", id: "q1", seq: 7 }), { type: "ACK", id: "q1", seq: 7 });
  assert.deepEqual(parseAck("SYNC", { type: "ACK", id: "y1", sync: { chats: [] } }), { type: "ACK", id: "y1", sync: { chats: [] } });
  assert.deepEqual(parseAck("PING", { type: "ACK", id: "p1" }), { type: "ACK", id: "p1" });
  assert.deepEqual(parseAck("SEEN", { type: "ACK", id: "n1" }), { type: "ACK", id: "n1" });
});

test("parseAck: an answer without what its request promises is no answer", () => {
  assert.equal(parseAck("SEND", { type: "ACK", id: "s1" }), undefined, "a SEND is answered with the message");
  assert.equal(parseAck("SEND", { type: "ACK", id: "s1", message: { ...message, seq: 0 } }), undefined, "and a valid one");
  assert.equal(parseAck("SYNC", { type: "ACK", id: "y1", message }), undefined, "a SYNC is answered with its changes");
  assert.equal(parseAck("SCAN", { type: "ACK", id: "q1" }), undefined, "a SCAN with its seq");
  assert.equal(parseAck("PING", { type: "PONG", id: "p1" }), undefined);
  assert.equal(parseAck("PING", "ACK"), undefined);
});

test("parseAck: any request may be refused; a refusal never carries an answer", () => {
  for (const type of Object.keys(AckOf) as (keyof typeof AckOf)[]) {
    const ack = parseAck(type, refusal);
    assert.equal(ack?.error?.code, "RATE_LIMITED", type);
  }
  const refused = parseAck("SEND", refusal);
  // The type of a refused SEND reads `message` as undefined (no cast needed to look).
  assert.equal(refused?.message, undefined);
  assert.equal(parseAck("SEND", { ...refusal, message }), undefined, "an error and a message at once is neither");
  assert.equal(parseAck("PING", { type: "ACK", id: "p1", error: { code: "NOT_A_CODE", message: "" } }), undefined, "the error is a known one");
});

test("the success answer of a request narrows by its error", () => {
  const ack = parseAck("SEND", { type: "ACK", id: "s1", message });
  assert.ok(ack);
  if (ack.error) assert.fail("not refused");
  // Narrowed: `message` is a Message here, not Message | undefined.
  assert.equal(ack.message.seq, 3);
});

test("requestId: the id a request is answered under (a SCAN's is its scan's)", () => {
  assert.equal(requestId({ type: "SCAN", scan: { id: "q1", text: "x", format: "QRCode", scannedAt: 1 } }), "q1");
  assert.equal(requestId({ type: "PING", id: "p1" }), "p1");
  assert.equal(requestId({ type: "PING" }), undefined);
  assert.equal(requestId({ type: "TYPING", chatId: message.chatId, typing: true }), undefined);
});

test("ServerEvent reads any ACK as the most specific answer", () => {
  assert.deepEqual(ServerEvent.parse({ type: "ACK", id: "s1", message }), { type: "ACK", id: "s1", message });
  assert.deepEqual(ServerEvent.parse({ type: "ACK", id: "q1", seq: 2 }), { type: "ACK", id: "q1", seq: 2 });
  assert.deepEqual(ServerEvent.parse(refusal), refusal);
  assert.deepEqual(ServerEvent.parse({ type: "ACK", id: "p1" }), { type: "ACK", id: "p1" });
  assert.equal(ServerEvent.safeParse({ type: "ACK" }).success, false);
});

test("messageFrames: the same text encodeFrame makes, the message serialised once", () => {
  const frames = messageFrames(message);
  assert.equal(frames.ack('c-"1').encoded, encodeFrame({ type: "ACK", id: 'c-"1', message }).encoded);
  assert.equal(frames.event().encoded, encodeFrame({ type: "MESSAGE", message }).encoded);
  assert.deepEqual(parseAck("SEND", JSON.parse(frames.ack("c1").encoded)), { type: "ACK", id: "c1", message });
  assert.deepEqual(ServerEvent.parse(JSON.parse(frames.event().encoded)), { type: "MESSAGE", message });
});

test("isMessageFrame: a MESSAGE from either encoder, nothing else (not the ACK that carries a message)", () => {
  assert.equal(isMessageFrame(messageFrames(message).event()), true);
  assert.equal(isMessageFrame(encodeFrame({ type: "MESSAGE", message })), true);
  assert.equal(isMessageFrame(messageFrames(message).ack("c1")), false);
  assert.equal(isMessageFrame(encodeFrame({ type: "TYPING", chatId: message.chatId, userId: "u2", typing: true, until: 1 })), false);
});
