import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DELETE_WINDOW_MS, EDIT_WINDOW_MS } from "@easyqr/protocol";
import { codeOf } from "./support/api.ts";
import {
  ackOf,
  allMessages,
  chatList,
  chatOf,
  chatPair,
  chatsOf,
  errorOf,
  historyOf,
  openChat,
  received,
  request,
  roomyChatLimits,
  send,
} from "./support/chat.ts";
import { eventually, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(
  async () =>
    (server = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: roomyContactLimits,
      chatLimits: roomyChatLimits,
    })),
);
after(() => server.close());

describe("sending", () => {
  test("a message is acked to its socket with seq 1 and reaches the peer and the sender's other devices, not the sending socket", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "send");
    const otherA = await userSocket(server, a);
    const message = await send(socketA, chat.id, "hello");
    assert.equal(message.seq, 1);
    assert.equal(message.rev, 1);
    assert.equal(message.senderId, a.user.id);
    assert.equal(message.text, "hello");
    assert.deepEqual((await socketB.next("MESSAGE")).message, message);
    assert.deepEqual((await otherA.next("MESSAGE")).message, message);
    assert.equal(socketA.count("MESSAGE"), 0);
    const page = await historyOf(server, b, chat.id);
    assert.deepEqual(page, { messages: [message], more: false, through: 1 });
    const seenByB = await chatOf(server, b, chat.id);
    assert.equal(seenByB.unread, 1);
    assert.equal(seenByB.lastSeq, 1);
    assert.deepEqual(seenByB.lastMessage, message);
    assert.equal(seenByB.activityAt, message.createdAt);
    assert.equal((await chatOf(server, a, chat.id)).unread, 0, "your own messages are not unread");
    for (const s of [socketA, socketB, otherA]) s.close();
  });

  test("the same client id three times (same socket, another socket, after a reconnect) is one message", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "idem");
    const id = randomUUID();
    const first = await send(socketA, chat.id, "once", { id });
    const again = await send(socketA, chat.id, "once", { id });
    const other = await userSocket(server, a);
    const fromOther = await send(other, chat.id, "once", { id });
    socketA.close();
    other.close();
    const reconnected = await userSocket(server, a);
    const afterReconnect = await send(reconnected, chat.id, "once", { id });
    for (const m of [again, fromOther, afterReconnect]) assert.deepEqual(m, first);
    assert.equal((await historyOf(server, b, chat.id)).messages.length, 1);
    await send(reconnected, chat.id, "marker");
    await eventually(() => received(socketB).length === 2, "the marker");
    assert.deepEqual(
      received(socketB).map((m) => m.text),
      ["once", "marker"],
      "the peer got it once",
    );
    reconnected.close();
    socketB.close();
  });

  test("a resend inside the same batch is still one message", async () => {
    const { b, chat, socketA, socketB } = await chatPair(server, "idembatch");
    const id = randomUUID();
    for (let i = 0; i < 3; i++) socketA.send({ type: "SEND", id, chatId: chat.id, text: "x" });
    const acks = [await ackOf(socketA, id), await ackOf(socketA, id), await ackOf(socketA, id)];
    assert.equal(new Set(acks.map((x) => x.message?.id)).size, 1);
    assert.equal((await historyOf(server, b, chat.id)).messages.length, 1);
    socketA.close();
    socketB.close();
  });

  test("two devices of each user sending 1,000 messages at once: seq 1..2000 without gaps, the same order for every reader", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "order");
    const [a2, b2] = await Promise.all([userSocket(server, a), userSocket(server, b)]);
    const senders = [socketA, a2, socketB, b2];
    const ids = senders.map(() => [] as string[]);
    for (let i = 0; i < 500; i++) {
      senders.forEach((s, k) => {
        const id = randomUUID();
        ids[k]?.push(id);
        s.send({ type: "SEND", id, chatId: chat.id, text: `${k}:${i}` });
      });
    }
    const acked = await Promise.all(senders.map((s, k) => Promise.all((ids[k] ?? []).map((id) => ackOf(s, id, 30_000)))));
    for (const list of acked) {
      const seqs = list.map((x) => x.message?.seq ?? 0);
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        "each socket's messages keep the order they were sent in",
      );
    }
    const all = await allMessages(server, a, chat.id);
    assert.deepEqual(
      all.map((m) => m.seq),
      Array.from({ length: 2000 }, (_, i) => i + 1),
    );
    // Each socket saw the others' messages as events and its own as acks: together, the stored order.
    for (const [k, s] of senders.entries()) {
      await eventually(() => received(s).length === 1500, `socket ${k} received all`, 20_000);
      const own = new Map((acked[k] ?? []).map((x) => [x.message?.seq ?? 0, x.message?.id]));
      const seen = [...received(s).map((m) => [m.seq, m.id] as const), ...own.entries()].sort(([x], [y]) => x - y);
      assert.deepEqual(
        seen.map(([, id]) => id),
        all.map((m) => m.id),
      );
      const events = received(s).map((m) => m.seq);
      assert.deepEqual(
        events,
        [...events].sort((x, y) => x - y),
        "events arrive in seq order",
      );
    }
    for (const s of senders) s.close();
  });

  test("replies quote their original; a reply to a message of another chat is MESSAGE_NOT_FOUND", async () => {
    const { chat, socketA, socketB } = await chatPair(server, "reply");
    const other = await chatPair(server, "reply2");
    const original = await send(socketA, chat.id, "question?");
    const reply = await send(socketB, chat.id, "answer", { replyToId: original.id });
    assert.deepEqual(reply.replyTo, { id: original.id, seq: 1, senderId: original.senderId, text: "question?", attachment: null, deleted: false });
    const foreign = await request(socketB, { type: "SEND", chatId: chat.id, text: "x", replyToId: (await send(other.socketA, other.chat.id, "elsewhere")).id });
    assert.equal(errorOf(foreign), "MESSAGE_NOT_FOUND");
    for (const s of [socketA, socketB, other.socketA, other.socketB]) s.close();
  });

  test("attachments uploaded to the chat by the sender are linked in order; anything else fails the whole send", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "att");
    const db = server.app.database.db;
    const now = server.clock.now();
    const upload = async (uploaderId: string, chatId = chat.id, thumb = true) => {
      const id = randomUUID();
      await db
        .insertInto("attachments")
        .values({
          id,
          chatId,
          uploaderId,
          messageId: null,
          position: 0,
          kind: "image",
          name: "p.jpg",
          mime: "image/jpeg",
          size: 10,
          width: 4,
          height: 3,
          storageKey: `k/${id}`,
          thumbKey: thumb ? `t/${id}` : null,
          createdAt: now,
        })
        .execute();
      return id;
    };
    const [x, y] = [await upload(a.user.id), await upload(a.user.id, chat.id, false)];
    const message = await send(socketA, chat.id, "", { attachmentIds: [y, x] });
    assert.deepEqual(
      message.attachments.map((t) => [t.id, t.url, t.thumbUrl]),
      [
        [y, `/api/attachments/${y}`, null],
        [x, `/api/attachments/${x}`, `/api/attachments/${x}/thumb`],
      ],
    );
    assert.deepEqual((await historyOf(server, b, chat.id)).messages[0]?.attachments, message.attachments);
    const reply = await send(socketB, chat.id, "nice", { replyToId: message.id });
    assert.equal(reply.replyTo?.attachment, "image");
    const theirs = await upload(b.user.id);
    const fresh = await upload(a.user.id);
    for (const ids of [[x], [theirs], [randomUUID()], [fresh, fresh]]) {
      assert.equal(errorOf(await request(socketA, { type: "SEND", chatId: chat.id, text: "again", attachmentIds: ids })), "ATTACHMENT_NOT_FOUND");
    }
    const unlinked = await db.selectFrom("attachments").select("messageId").where("id", "=", fresh).executeTakeFirstOrThrow();
    assert.equal(unlinked.messageId, null, "a failed send links nothing");
    assert.equal((await chatOf(server, a, chat.id)).lastSeq, 2, "failed sends take no seq");
    socketA.close();
    socketB.close();
  });

  test("a batch with good and bad sends commits the good ones, in order", async () => {
    const { b, chat, socketA, socketB } = await chatPair(server, "mixed");
    const frames = ["one", "two", "three", "four"].map((text) => ({ type: "SEND", id: randomUUID(), chatId: chat.id, text }));
    const bad = { type: "SEND", id: randomUUID(), chatId: randomUUID(), text: "nowhere" };
    for (const f of [frames[0], bad, frames[1], frames[2], { ...bad, id: randomUUID() }, frames[3]]) socketA.send(f);
    const acks = await Promise.all(frames.map((f) => ackOf(socketA, f.id)));
    assert.deepEqual(
      acks.map((x) => x.message?.seq),
      [1, 2, 3, 4],
    );
    assert.equal(errorOf(await ackOf(socketA, bad.id)), "CHAT_NOT_FOUND");
    assert.deepEqual(
      (await historyOf(server, b, chat.id)).messages.map((m) => m.text),
      ["one", "two", "three", "four"],
    );
    socketA.close();
    socketB.close();
  });
});

describe("edit, delete, react", () => {
  test("the sender edits within the window; others cannot; deleted messages cannot be edited", async () => {
    const { chat, socketA, socketB } = await chatPair(server, "edit");
    const message = await send(socketA, chat.id, "helo");
    const edited = await request(socketA, { type: "EDIT", messageId: message.id, text: "hello" });
    assert.equal(edited.message?.text, "hello");
    assert.equal(edited.message?.editedAt, server.clock.now());
    assert.equal(edited.message?.rev, 2);
    assert.deepEqual((await socketB.next("MESSAGE_UPDATED")).message, edited.message);
    assert.equal(errorOf(await request(socketB, { type: "EDIT", messageId: message.id, text: "mine now" })), "MESSAGE_NOT_YOURS");
    server.clock.advance(EDIT_WINDOW_MS + 1);
    assert.equal(errorOf(await request(socketA, { type: "EDIT", messageId: message.id, text: "late" })), "MESSAGE_EDIT_EXPIRED");
    const other = await send(socketA, chat.id, "bye");
    await request(socketA, { type: "DELETE", messageId: other.id });
    assert.equal(errorOf(await request(socketA, { type: "EDIT", messageId: other.id, text: "back" })), "MESSAGE_DELETED");
    assert.equal(errorOf(await request(socketA, { type: "EDIT", messageId: randomUUID(), text: "x" })), "MESSAGE_NOT_FOUND");
    socketA.close();
    socketB.close();
  });

  test("delete for everyone leaves a tombstone without text, attachments or reactions; only within the window; twice is fine", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "del");
    const message = await send(socketA, chat.id, "oops");
    await request(socketB, { type: "REACT", messageId: message.id, emoji: "😮" });
    assert.equal(errorOf(await request(socketB, { type: "DELETE", messageId: message.id })), "MESSAGE_NOT_YOURS");
    const deleted = await request(socketA, { type: "DELETE", messageId: message.id });
    assert.equal(deleted.message?.text, null);
    assert.equal(deleted.message?.deletedAt, server.clock.now());
    assert.deepEqual(deleted.message?.reactions, []);
    assert.deepEqual((await request(socketA, { type: "DELETE", messageId: message.id })).message, deleted.message, "deleting again answers the tombstone");
    assert.deepEqual((await historyOf(server, b, chat.id)).messages[0], deleted.message);
    assert.deepEqual((await chatOf(server, a, chat.id)).lastMessage, deleted.message);
    assert.equal(errorOf(await request(socketB, { type: "REACT", messageId: message.id, emoji: "👍" })), "MESSAGE_DELETED");
    const old = await send(socketA, chat.id, "old");
    server.clock.advance(DELETE_WINDOW_MS + 1);
    assert.equal(errorOf(await request(socketA, { type: "DELETE", messageId: old.id })), "MESSAGE_EDIT_EXPIRED");
    socketA.close();
    socketB.close();
  });

  test("one reaction per user per message, changeable and removable; each change moves rev", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "react");
    const message = await send(socketA, chat.id, "nice?");
    const r1 = await request(socketB, { type: "REACT", messageId: message.id, emoji: "👍" });
    assert.deepEqual(
      r1.message?.reactions.map((r) => [r.userId, r.emoji]),
      [[b.user.id, "👍"]],
    );
    const r2 = await request(socketB, { type: "REACT", messageId: message.id, emoji: "❤️" });
    assert.deepEqual(
      r2.message?.reactions.map((r) => [r.userId, r.emoji]),
      [[b.user.id, "❤️"]],
    );
    const r3 = await request(socketA, { type: "REACT", messageId: message.id, emoji: "😂" });
    assert.deepEqual(r3.message?.reactions.map((r) => r.userId).sort(), [a.user.id, b.user.id].sort());
    const same = await request(socketA, { type: "REACT", messageId: message.id, emoji: "😂" });
    assert.equal(same.message?.rev, r3.message?.rev, "the same reaction again changes nothing");
    const removed = await request(socketB, { type: "REACT", messageId: message.id, emoji: null });
    assert.deepEqual(
      removed.message?.reactions.map((r) => r.userId),
      [a.user.id],
    );
    assert.deepEqual(
      [r1, r2, r3, removed].map((x) => x.message?.rev),
      [2, 3, 4, 5],
    );
    assert.equal(errorOf(await request(socketB, { type: "REACT", messageId: message.id, emoji: "not an emoji" })), "VALIDATION");
    assert.equal((await chatOf(server, a, chat.id)).rev, 5);
    socketA.close();
    socketB.close();
  });
});

describe("chats", () => {
  test("opening a chat twice (or from both sides at once) gives one chat; the list is by last activity and pages", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "list");
    const [x, y] = await Promise.all([openChat(server, a, b), openChat(server, b, a)]);
    assert.equal(x.id, chat.id);
    assert.equal(y.id, chat.id);
    assert.deepEqual((await chatList(server, a)).chats, [], "chats without messages are not listed");
    const others = await Promise.all([chatPair(server, "list2"), chatPair(server, "list3")]);
    // a talks in three chats: its own with b, then two more made with a's new connections.
    const extra = [];
    for (const o of others) {
      await (await import("./support/contacts.ts")).connect(server, a, o.a);
      extra.push(await openChat(server, a, o.a));
    }
    for (const [i, c] of [chat, ...extra].entries()) {
      server.clock.advance(1000);
      await send(socketA, c.id, `m${i}`);
    }
    const list = await chatList(server, a);
    assert.deepEqual(
      list.chats.map((c) => c.id),
      [extra[1]?.id, extra[0]?.id, chat.id],
    );
    assert.equal(list.next, null);
    const first = await chatList(server, a, "?limit=2");
    assert.deepEqual(
      first.chats.map((c) => c.id),
      [extra[1]?.id, extra[0]?.id],
    );
    const second = await chatList(server, a, `?limit=2&before=${first.next}`);
    assert.deepEqual(
      second.chats.map((c) => c.id),
      [chat.id],
    );
    assert.equal((await chatsOf(server, a).list("?limit=0")).status, 400);
    for (const s of [socketA, socketB, ...others.flatMap((o) => [o.socketA, o.socketB])]) s.close();
  });

  test("history pages: newest, before, after; oldest first; `more` in the direction asked", async () => {
    const { a, chat, socketA, socketB } = await chatPair(server, "hist");
    for (let i = 1; i <= 7; i++) await send(socketA, chat.id, `m${i}`);
    const texts = (p: { messages: { text: string | null }[] }) => p.messages.map((m) => m.text);
    const newest = await historyOf(server, a, chat.id, "?limit=3");
    assert.deepEqual([texts(newest), newest.more], [["m5", "m6", "m7"], true]);
    const older = await historyOf(server, a, chat.id, "?limit=3&before=5");
    assert.deepEqual([texts(older), older.more], [["m2", "m3", "m4"], true]);
    const oldest = await historyOf(server, a, chat.id, "?limit=3&before=2");
    assert.deepEqual([texts(oldest), oldest.more], [["m1"], false]);
    const newer = await historyOf(server, a, chat.id, "?limit=3&after=3");
    assert.deepEqual([texts(newer), newer.more], [["m4", "m5", "m6"], true]);
    const end = await historyOf(server, a, chat.id, "?limit=3&after=6");
    assert.deepEqual([texts(end), end.more], [["m7"], false]);
    assert.equal(codeOf(await chatsOf(server, a).history(chat.id, "?before=3&after=1")), "VALIDATION");
    assert.equal(codeOf(await chatsOf(server, a).history(chat.id, "?limit=101")), "VALIDATION");
    socketA.close();
    socketB.close();
  });
});
