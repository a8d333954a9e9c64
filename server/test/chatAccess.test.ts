import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { MAX_TEXT_CHARS, type ServerEventOf } from "@easyqr/protocol";
import { call, codeOf, type SignedIn } from "./support/api.ts";
import { asDirect, chatOf, chatPair, chatsOf, errorOf, historyOf, openChat, request, send } from "./support/chat.ts";
import { connect, contactsOf, makeUsers, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(
  async () =>
    (server = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: roomyContactLimits,
      chatLimits: { messagesPerSecond: 5, messageBurst: 10 },
    })),
);
after(() => server.close());

/** An error answer with its message kept: the bodies for "not yours" and "not there" must be identical. */
function errorBody(ack: ServerEventOf<"ACK">): unknown {
  return ack.error;
}

describe("who may touch a chat", () => {
  test("a non-member gets exactly the answer for a chat (or message) that does not exist, everywhere", async () => {
    const { a, chat, socketA, socketB } = await chatPair(server, "priv");
    const message = await send(socketA, chat.id, "private");
    const [stranger] = (await makeUsers(server, 1, "stranger")) as [SignedIn];
    const socketS = await userSocket(server, stranger);
    const missingChat = randomUUID();
    const missingMessage = randomUUID();
    const api = chatsOf(server, stranger);
    for (const [theirs, none] of [
      [await api.get(chat.id), await api.get(missingChat)],
      [await api.history(chat.id), await api.history(missingChat)],
    ] as const) {
      assert.equal(theirs.status, 404);
      assert.deepEqual(theirs.body, none.body);
      assert.equal(codeOf(theirs), "CHAT_NOT_FOUND");
    }
    const pairs: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { type: "SEND", chatId: chat.id, text: "hi" },
        { type: "SEND", chatId: missingChat, text: "hi" },
      ],
      [
        { type: "SEEN", chatId: chat.id, seq: 1 },
        { type: "SEEN", chatId: missingChat, seq: 1 },
      ],
      [
        { type: "DELIVERED", chatId: chat.id, seq: 1 },
        { type: "DELIVERED", chatId: missingChat, seq: 1 },
      ],
      [
        { type: "EDIT", messageId: message.id, text: "x" },
        { type: "EDIT", messageId: missingMessage, text: "x" },
      ],
      [
        { type: "DELETE", messageId: message.id },
        { type: "DELETE", messageId: missingMessage },
      ],
      [
        { type: "REACT", messageId: message.id, emoji: "👍" },
        { type: "REACT", messageId: missingMessage, emoji: "👍" },
      ],
    ];
    for (const [theirs, none] of pairs) {
      const [x, y] = [await request(socketS, theirs), await request(socketS, none)];
      assert.ok(x.error, `${String(theirs.type)} is refused`);
      assert.deepEqual(errorBody(x), errorBody(y), String(theirs.type));
    }
    socketS.send({ type: "TYPING", chatId: chat.id, typing: true });
    const typingTheirs = await socketS.next("ERROR");
    socketS.send({ type: "TYPING", chatId: missingChat, typing: true });
    const typingNone = await socketS.next("ERROR");
    assert.deepEqual(typingTheirs.error, typingNone.error);
    assert.equal(typingTheirs.error.code, "CHAT_NOT_FOUND");
    const sync = await request(socketS, { type: "SYNC", chats: [{ chatId: chat.id, rev: 0 }] });
    const syncNone = await request(socketS, { type: "SYNC", chats: [{ chatId: missingChat, rev: 0 }] });
    assert.deepEqual(sync.sync, { chats: [] });
    assert.deepEqual(syncNone.sync, { chats: [] });
    // The members heard nothing of it and their chat is unchanged.
    assert.equal((await chatOf(server, a, chat.id)).rev, 1);
    assert.equal(socketA.count("TYPING") + socketB.count("TYPING") + socketB.count("RECEIPT"), 0);
    for (const s of [socketA, socketB, socketS]) s.close();
  });

  test("only connections open chats; strangers, unknown users and yourself get CHAT_NOT_CONNECTED alike", async () => {
    const [a, b] = (await makeUsers(server, 2, "open")) as [SignedIn, SignedIn];
    const stranger = await chatsOf(server, a).open(b.user.id);
    const nobody = await chatsOf(server, a).open(randomUUID());
    assert.equal(stranger.status, 403);
    assert.equal(codeOf(stranger), "CHAT_NOT_CONNECTED");
    assert.deepEqual(stranger.body, nobody.body);
    assert.equal(codeOf(await chatsOf(server, a).open(a.user.id)), "CHAT_NOT_CONNECTED");
    assert.equal((await call(server, "GET", "/api/chats")).status, 401);
    assert.equal(codeOf(await chatsOf(server, a).get("not-a-uuid")), "VALIDATION");
  });

  test("after a removal or a block nobody can write, both can still read; the blocked side sees what a removal looks like", async () => {
    for (const end of ["remove", "block"] as const) {
      const { a, b, chat, socketA, socketB } = await chatPair(server, `end${end}`);
      const message = await send(socketA, chat.id, "before");
      if (end === "remove") await contactsOf(server, b).remove(a.user.id);
      else await contactsOf(server, a).block(b.user.id);
      for (const s of [socketA, socketB]) {
        assert.equal(errorOf(await request(s, { type: "SEND", chatId: chat.id, text: "after" })), "CHAT_NOT_CONNECTED", end);
        assert.equal(errorOf(await request(s, { type: "REACT", messageId: message.id, emoji: "👍" })), "CHAT_NOT_CONNECTED", end);
        s.send({ type: "TYPING", chatId: chat.id, typing: true });
        assert.equal((await s.next("ERROR")).error.code, "CHAT_NOT_CONNECTED");
      }
      assert.equal(errorOf(await request(socketA, { type: "EDIT", messageId: message.id, text: "changed" })), "CHAT_NOT_CONNECTED");
      assert.equal(errorOf(await request(socketB, { type: "SEEN", chatId: chat.id, seq: 1 })), undefined, "receipts still work");
      for (const user of [a, b]) {
        assert.equal((await historyOf(server, user, chat.id)).messages.length, 1);
        const seen = asDirect(await chatOf(server, user, chat.id));
        assert.equal(seen.connected, false);
      }
      assert.equal((await openChat(server, b, a)).id, chat.id, "the old chat is still there to read");
      assert.ok((await request(socketA, { type: "DELETE", messageId: message.id })).message?.deletedAt, "one may still take one's words back");
      socketA.close();
      socketB.close();
    }
  });

  test("when connected again the same chat goes on", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "again");
    await send(socketA, chat.id, "one");
    await contactsOf(server, a).remove(b.user.id);
    await connect(server, a, b);
    assert.equal((await send(socketB, chat.id, "two")).seq, 2);
    socketA.close();
    socketB.close();
  });

  test("a deleted account takes its chats with it; the other side's list and sockets keep working", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "gone");
    await send(socketA, chat.id, "bye");
    assert.equal((await call(server, "DELETE", "/api/users/me", { token: a.tokens.accessToken })).status, 204);
    assert.equal(codeOf(await chatsOf(server, b).get(chat.id)), "CHAT_NOT_FOUND");
    assert.deepEqual(((await chatsOf(server, b).list()).body as { chats: unknown[] }).chats, []);
    assert.equal(errorOf(await request(socketB, { type: "SEND", chatId: chat.id, text: "hello?" })), "CHAT_NOT_FOUND");
    // A device that held the chat is told to drop it.
    assert.deepEqual((await request(socketB, { type: "SYNC", chats: [{ chatId: chat.id, rev: 1 }] })).sync, { chats: [], removed: [chat.id] });
    socketA.close();
    socketB.close();
  });
});

describe("bad frames and limits", () => {
  test("every malformed chat frame is answered and the socket keeps serving", async () => {
    const { chat, socketA, socketB } = await chatPair(server, "bad");
    const bad: Record<string, unknown>[] = [
      { type: "SEND", chatId: chat.id, text: "" },
      { type: "SEND", chatId: chat.id, text: "x".repeat(MAX_TEXT_CHARS + 1) },
      { type: "SEND", chatId: "nope", text: "x" },
      { type: "SEND", chatId: chat.id, text: "x", attachmentIds: Array.from({ length: 11 }, () => randomUUID()) },
      { type: "SEND", chatId: chat.id, text: "x", extra: 1 },
      { type: "EDIT", messageId: randomUUID(), text: "   " },
      { type: "EDIT", messageId: 5, text: "x" },
      { type: "DELETE", messageId: "x" },
      { type: "REACT", messageId: randomUUID(), emoji: "ab" },
      { type: "REACT", messageId: randomUUID(), emoji: "👍👍" },
      { type: "DELIVERED", chatId: chat.id, seq: -1 },
      { type: "SEEN", chatId: chat.id, seq: 1.5 },
      { type: "SYNC", chats: [{ chatId: chat.id }] },
      { type: "SYNC", chats: "all" },
    ];
    for (const frame of bad) assert.equal(errorOf(await request(socketA, frame)), "VALIDATION", JSON.stringify(frame).slice(0, 80));
    socketA.send({ type: "TYPING", chatId: chat.id, typing: "yes" });
    assert.equal((await socketA.next("ERROR")).error.code, "VALIDATION");
    assert.equal((await send(socketA, chat.id, "still here")).seq, 1);
    assert.equal(socketA.closed, undefined);
    socketA.close();
    socketB.close();
  });

  test("a pairing socket cannot send chat frames", async () => {
    const { createSession } = await import("./support/client.ts");
    const session = await createSession(server.url);
    const { TestSocket } = await import("./support/client.ts");
    const desktop = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    await desktop.next("WAITING");
    assert.equal(errorOf(await request(desktop, { type: "SYNC", chats: [] })), "FRAME_INVALID");
    desktop.close();
  });

  test("message frames past the per-socket rate get RATE_LIMITED with retryAfterMs; time refills the bucket", async () => {
    const { chat, socketA, socketB } = await chatPair(server, "rate");
    const ids = Array.from({ length: 12 }, () => randomUUID());
    for (const id of ids) socketA.send({ type: "SEND", id, chatId: chat.id, text: "spam" });
    const acks = await Promise.all(ids.map((id) => socketA.next("ACK", 3000, (e) => e.id === id)));
    assert.equal(acks.filter((x) => x.message).length, 10);
    const limited = acks.filter((x) => x.error);
    assert.equal(limited.length, 2);
    assert.equal(limited[0]?.error?.code, "RATE_LIMITED");
    assert.equal(typeof limited[0]?.error?.data?.retryAfterMs, "number");
    server.clock.advance(1000);
    assert.ok((await request(socketA, { type: "SEND", chatId: chat.id, text: "later" })).message);
    // Another socket of the same user has its own bucket.
    assert.ok((await request(socketB, { type: "SEND", chatId: chat.id, text: "mine" })).message);
    socketA.close();
    socketB.close();
  });
});
