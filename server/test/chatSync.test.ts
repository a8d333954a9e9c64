import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { SYNC_MAX_CHANGES, TYPING_TTL_MS, type Chat, type Message, type ServerEvent } from "@easyqr/protocol";
import { ackOf, allMessages, chatOf, chatPair, historyOf, request, roomyChatLimits, send } from "./support/chat.ts";
import { eventually, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(
  async () =>
    (server = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: { qrIssuesPerUser: 1000, requestsPerUser: 1000 },
      chatLimits: roomyChatLimits,
    })),
);
after(() => server.close());

/** Sends `count` messages without waiting for each ack; resolves when all are acked. */
async function burst(socket: Awaited<ReturnType<typeof userSocket>>, chatId: string, count: number, prefix = "m"): Promise<Message[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  ids.forEach((id, i) => socket.send({ type: "SEND", id, chatId, text: `${prefix}${i + 1}` }));
  const acks = await Promise.all(ids.map((id) => ackOf(socket, id, 30_000)));
  return acks.map((x) => {
    if (!x.message) throw new Error(JSON.stringify(x.error));
    return x.message;
  });
}

describe("receipts and unread", () => {
  test("watermarks never move back, never pass the last message, and seen implies delivered; both sides hear of it", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "rcpt");
    const b2 = await userSocket(server, b);
    await burst(socketA, chat.id, 5);
    assert.equal((await chatOf(server, b, chat.id)).unread, 5);
    await request(socketB, { type: "DELIVERED", chatId: chat.id, seq: 4 });
    const toA = await socketA.next("RECEIPT");
    assert.deepEqual(toA, { type: "RECEIPT", chatId: chat.id, userId: b.user.id, receipts: { deliveredSeq: 4, seenSeq: 0 } });
    assert.deepEqual(await b2.next("RECEIPT"), { ...toA, unread: 5 }, "the reader's own devices also get the unread count");
    await request(socketB, { type: "DELIVERED", chatId: chat.id, seq: 2 });
    await request(socketB, { type: "SEEN", chatId: chat.id, seq: 3 });
    const seen = await socketA.next("RECEIPT");
    assert.deepEqual(seen.receipts, { deliveredSeq: 4, seenSeq: 3 });
    assert.equal((await b2.next("RECEIPT")).unread, 2);
    await request(socketB, { type: "SEEN", chatId: chat.id, seq: 1 });
    await request(socketB, { type: "SEEN", chatId: chat.id, seq: 99 });
    const capped = await socketA.next("RECEIPT");
    assert.deepEqual(capped.receipts, { deliveredSeq: 5, seenSeq: 5 }, "seen implies delivered, capped at the last message");
    assert.equal(socketA.count("RECEIPT"), 3, "receipts that move nothing say nothing");
    const forA = await chatOf(server, a, chat.id);
    assert.deepEqual(forA.theirs, { deliveredSeq: 5, seenSeq: 5 });
    const forB = await chatOf(server, b, chat.id);
    assert.deepEqual([forB.mine, forB.unread], [{ deliveredSeq: 5, seenSeq: 5 }, 0]);
    // b's own messages never count as unread for b; a's unread counts only b's.
    await burst(socketB, chat.id, 2, "b");
    await send(socketA, chat.id, "a6");
    assert.equal((await chatOf(server, b, chat.id)).unread, 1);
    assert.equal((await chatOf(server, a, chat.id)).unread, 2);
    await request(socketA, { type: "SEEN", chatId: chat.id, seq: 6 });
    assert.equal((await chatOf(server, a, chat.id)).unread, 1, "only messages after the seen one stay unread");
    for (const s of [socketA, socketB, b2]) s.close();
  });
});

describe("typing", () => {
  test("typing reaches the peer's sockets (not one's own), is throttled per socket, expires by `until`, and stops on close", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "typing");
    const a2 = await userSocket(server, a);
    socketA.send({ type: "TYPING", chatId: chat.id, typing: true });
    const typing = await socketB.next("TYPING");
    assert.deepEqual(typing, { type: "TYPING", chatId: chat.id, userId: a.user.id, typing: true, until: server.clock.now() + TYPING_TTL_MS });
    socketA.send({ type: "TYPING", chatId: chat.id, typing: true });
    socketA.send({ type: "TYPING", chatId: chat.id, typing: true });
    server.clock.advance(3000);
    socketA.send({ type: "TYPING", chatId: chat.id, typing: true });
    await socketB.next("TYPING");
    socketA.send({ type: "TYPING", chatId: chat.id, typing: false });
    assert.equal((await socketB.next("TYPING")).typing, false);
    socketA.send({ type: "TYPING", chatId: chat.id, typing: true });
    await socketB.next("TYPING");
    socketA.close();
    assert.equal((await socketB.next("TYPING")).typing, false, "a closed socket stops typing");
    assert.equal(socketB.count("TYPING"), 5);
    assert.equal(a2.count("TYPING"), 0);
    for (const s of [socketB, a2]) s.close();
    void b;
  });
});

describe("catching up", () => {
  test("500 messages sent while a device was offline arrive exactly once, in order, through SYNC", async () => {
    const { b, chat, socketA, socketB } = await chatPair(server, "offline");
    const first = await send(socketA, chat.id, "before");
    await eventually(() => socketB.count("MESSAGE") === 1, "the first message");
    socketB.close();
    const sent = await burst(socketA, chat.id, 500);
    const back = await userSocket(server, b);
    const answer = await request(back, { type: "SYNC", chats: [{ chatId: chat.id, rev: first.rev }] });
    const synced = answer.sync?.chats ?? [];
    assert.equal(synced.length, 1);
    assert.equal(synced[0]?.resync, false);
    assert.deepEqual(synced[0]?.changes, sent);
    assert.equal(synced[0]?.chat.rev, 501);
    assert.equal(synced[0]?.chat.unread, 501);
    const again = await request(back, { type: "SYNC", chats: [{ chatId: chat.id, rev: 501 }] });
    assert.deepEqual(again.sync, { chats: [] }, "nothing twice");
    socketA.close();
    back.close();
  });

  test("edits, deletes and reactions come through SYNC too, each message once at its latest rev", async () => {
    const { b, chat, socketA, socketB } = await chatPair(server, "syncchg");
    const [m1, m2, m3] = (await burst(socketA, chat.id, 3)) as [Message, Message, Message];
    await request(socketA, { type: "EDIT", messageId: m1.id, text: "m1 edited" });
    await request(socketA, { type: "DELETE", messageId: m2.id });
    await request(socketB, { type: "REACT", messageId: m1.id, emoji: "👍" });
    const answer = await request(socketB, { type: "SYNC", chats: [{ chatId: chat.id, rev: m1.rev }] });
    const changes = answer.sync?.chats[0]?.changes ?? [];
    assert.deepEqual(
      changes.map((m) => [m.id, m.rev]),
      [
        [m3.id, 3],
        [m2.id, 5],
        [m1.id, 6],
      ],
    );
    assert.deepEqual(
      changes,
      (await historyOf(server, b, chat.id)).messages
        .slice()
        .sort((x, y) => x.rev - y.rev)
        .filter((m) => m.rev > m1.rev),
    );
    socketA.close();
    socketB.close();
  });

  test("a change to a message far back in the chat comes through SYNC beside the new ones, and nothing else does", async () => {
    const { b, chat, socketA, socketB } = await chatPair(server, "syncold");
    const old = await burst(socketA, chat.id, 30);
    const cursor = old.at(-1)!.rev;
    const fresh = await burst(socketB, chat.id, 2, "n");
    const edited = await request(socketA, { type: "EDIT", messageId: old[0]!.id, text: "first, edited" });
    const reacted = await request(socketB, { type: "REACT", messageId: old[4]!.id, emoji: "🎉" });
    const answer = await request(socketB, { type: "SYNC", chats: [{ chatId: chat.id, rev: cursor }] });
    const changes = answer.sync?.chats[0]?.changes ?? [];
    assert.deepEqual(
      changes.map((m) => m.id),
      [fresh[0]!.id, fresh[1]!.id, old[0]!.id, old[4]!.id],
    );
    assert.deepEqual(changes.slice(2), [edited.message, reacted.message]);
    assert.deepEqual(
      changes,
      (await historyOf(server, b, chat.id)).messages.filter((m) => m.rev > cursor).sort((x, y) => x.rev - y.rev),
    );
    socketA.close();
    socketB.close();
  });

  test("too far behind, or a chat the client does not know: the Chat with resync, and history pages give everything", async () => {
    const { b, chat, socketA, socketB } = await chatPair(server, "resync");
    const other = await chatPair(server, "resync2");
    socketB.close();
    const total = SYNC_MAX_CHANGES + 5;
    for (let done = 0; done < total; done += 250) await burst(socketA, chat.id, Math.min(250, total - done));
    const back = await userSocket(server, b);
    const answer = await request(back, { type: "SYNC", chats: [{ chatId: chat.id, rev: 1 }] });
    assert.deepEqual(
      answer.sync?.chats.map((c) => [c.chat.id, c.resync, c.changes.length]),
      [[chat.id, true, 0]],
    );
    assert.equal(answer.sync?.chats[0]?.chat.lastSeq, total);
    const fresh = await request(back, { type: "SYNC", chats: [] });
    assert.deepEqual(
      fresh.sync?.chats.map((c) => [c.chat.id, c.resync]),
      [[chat.id, true]],
      "a chat not named counts as rev 0",
    );
    const all = await allMessages(server, b, chat.id);
    assert.deepEqual(
      all.map((m) => m.seq),
      Array.from({ length: total }, (_, i) => i + 1),
    );
    const ahead = await request(back, { type: "SYNC", chats: [{ chatId: chat.id, rev: total + 10 }] });
    assert.equal(ahead.sync?.chats[0]?.resync, true, "a client ahead of the server starts over");
    for (const s of [socketA, back, other.socketA, other.socketB]) s.close();
  });

  test("stale state + the live events = a fresh fetch", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "fresh");
    await burst(socketA, chat.id, 3);
    await eventually(() => socketB.count("MESSAGE") === 3, "the first messages");
    // B's device fetches, then keeps listening while both sides do everything there is to do.
    const stale = { chat: await chatOf(server, b, chat.id), messages: (await historyOf(server, b, chat.id)).messages };
    const listenedFrom = socketB.events.length;
    const [m4] = (await burst(socketA, chat.id, 1, "x")) as [Message];
    await send(socketB, chat.id, "from b", { replyToId: m4.id });
    await request(socketA, { type: "EDIT", messageId: m4.id, text: "x1 edited" });
    await request(socketB, { type: "REACT", messageId: m4.id, emoji: "🎉" });
    await request(socketA, { type: "DELETE", messageId: stale.messages[0]?.id });
    await request(socketB, { type: "SEEN", chatId: chat.id, seq: 4 });
    await request(socketA, { type: "DELIVERED", chatId: chat.id, seq: 5 });
    await send(socketA, chat.id, "last");
    await eventually(() => socketB.events.slice(listenedFrom).filter((e) => e.type === "MESSAGE").length === 2, "b's events");
    await eventually(() => socketB.events.slice(listenedFrom).filter((e) => e.type === "RECEIPT").length === 2, "b's receipts");

    // B's own acks are events for its state too (the sending socket gets ACKs instead of events).
    const ownAcks = socketB.events
      .slice(listenedFrom)
      .flatMap((e): ServerEvent[] => (e.type === "ACK" && e.message ? [{ type: "MESSAGE_UPDATED", message: e.message }] : []));
    const state = applyAll(b.user.id, stale, [...socketB.events.slice(listenedFrom), ...ownAcks].sort(byRev));
    const fresh = { chat: await chatOf(server, b, chat.id), messages: (await historyOf(server, b, chat.id)).messages };
    assert.deepEqual(state.messages, fresh.messages);
    assert.deepEqual(state.chat, fresh.chat);
    socketA.close();
    socketB.close();
    void a;
  });
});

/** Events in the order a client applies them: message events by rev, others where they came. */
function byRev(x: ServerEvent, y: ServerEvent): number {
  const rev = (e: ServerEvent) => (e.type === "MESSAGE" || e.type === "MESSAGE_UPDATED" ? e.message.rev : 0);
  return rev(x) && rev(y) ? rev(x) - rev(y) : 0;
}

/** What a client does with events: the reducer the web client implements, in a few lines. */
function applyAll(me: string, stale: { chat: Chat; messages: Message[] }, events: ServerEvent[]): { chat: Chat; messages: Message[] } {
  const chat = structuredClone(stale.chat);
  const messages = new Map(stale.messages.map((m) => [m.id, m]));
  for (const e of events) {
    if (e.type === "MESSAGE" || e.type === "MESSAGE_UPDATED") {
      if (e.message.chatId !== chat.id) continue;
      const known = messages.get(e.message.id);
      if (known && known.rev >= e.message.rev) continue;
      messages.set(e.message.id, e.message);
      chat.rev = Math.max(chat.rev, e.message.rev);
      if (!known) {
        chat.lastSeq = Math.max(chat.lastSeq, e.message.seq);
        chat.activityAt = e.message.createdAt;
        if (e.message.senderId !== me) chat.unread += 1;
      }
      if (!chat.lastMessage || chat.lastMessage.seq <= e.message.seq) chat.lastMessage = e.message;
    } else if (e.type === "RECEIPT" && e.chatId === chat.id) {
      if (e.userId === me) {
        chat.mine = e.receipts;
        if (e.unread !== undefined) chat.unread = e.unread;
      } else chat.theirs = e.receipts;
    }
  }
  // A reply's quote is drawn from the original the client holds (edits of the original send no event for the reply).
  for (const [id, m] of messages) {
    const original = m.replyTo ? messages.get(m.replyTo.id) : undefined;
    if (m.replyTo && original) {
      const deleted = original.deletedAt !== null;
      messages.set(id, {
        ...m,
        replyTo: {
          ...m.replyTo,
          text: deleted ? null : (original.text?.slice(0, 200) ?? null),
          attachment: deleted ? null : (original.attachments[0]?.kind ?? null),
          deleted,
        },
      });
    }
  }
  return { chat, messages: [...messages.values()].sort((x, y) => x.seq - y.seq) };
}
