import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { DELETE_WINDOW_MS, type Message } from "@easyqr/protocol";
import type { SignedIn } from "./support/api.ts";
import { download, filesUnder, uploaded } from "./support/attachments.ts";
import { allMessages, chatOf, chatPair, errorOf, historyOf, openChat, request, roomyChatLimits, send } from "./support/chat.ts";
import type { TestSocket } from "./support/client.ts";
import { connect, eventually, makeUsers, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { solidImage } from "./support/images.ts";

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

const token = (user: SignedIn) => user.tokens.accessToken;
const attachmentFiles = () => filesUnder(server.dataDir).filter((f) => relative(server.dataDir, f).startsWith("uploads/attachments/"));
const attachmentRows = async () => (await server.app.database.db.selectFrom("attachments").select("id").execute()).length;

async function forward(socket: TestSocket, messageId: string, chatId: string, id: string = randomUUID()) {
  return request(socket, { type: "FORWARD", id, messageId, chatId });
}
async function forwarded(socket: TestSocket, messageId: string, chatId: string, id?: string): Promise<Message> {
  const ack = await forward(socket, messageId, chatId, id);
  if (ack.error) throw new Error(`FORWARD refused: ${JSON.stringify(ack.error)}`);
  return ack.message;
}
const hide = (socket: TestSocket, messageId: string, id: string = randomUUID()) => request(socket, { type: "HIDE", id, messageId });

/** A (with a socket) connected to B and to C: A's chats with each. */
async function threeUsers(base: string) {
  const [a, b, c] = (await makeUsers(server, 3, base)) as [SignedIn, SignedIn, SignedIn];
  await connect(server, a, b);
  await connect(server, a, c);
  const withB = await openChat(server, a, b);
  const withC = await openChat(server, a, c);
  const [socketA, socketB, socketC] = await Promise.all([userSocket(server, a), userSocket(server, b), userSocket(server, c)]);
  return { a, b, c, withB, withC, socketA, socketB, socketC, close: () => [socketA, socketB, socketC].forEach((s) => s.close()) };
}

describe("forwarding", () => {
  test("a message B sent A goes to A's chat with C marked forwarded; resending the frame id answers the same message", async () => {
    const { c, withB, withC, socketA, socketB, socketC, close } = await threeUsers("fwd");
    const original = await send(socketB, withB.id, "see this");
    const id = randomUUID();
    const copy = await forwarded(socketA, original.id, withC.id, id);
    assert.equal(copy.chatId, withC.id);
    assert.equal(copy.text, "see this");
    assert.equal(copy.forwarded, true);
    assert.equal(original.forwarded, false);
    assert.deepEqual((await socketC.next("MESSAGE")).message, copy);
    assert.deepEqual(await forwarded(socketA, original.id, withC.id, id), copy, "a resend answers the stored forward");
    const other = await userSocket(server, c);
    assert.deepEqual(await forwarded(socketA, original.id, withC.id, id), copy);
    assert.deepEqual(
      (await allMessages(server, c, withC.id)).map((m) => m.id),
      [copy.id],
      "one message",
    );
    other.close();
    close();
  });

  test("a photo is forwarded without a new upload; the shared file outlives the original and goes with the last row", async () => {
    const { a, b, c, withB, withC, socketA, socketB, close } = await threeUsers("fwdpic");
    const photo = await uploaded(server, withB.id, await solidImage("png"), { token: token(b), name: "cat.png" });
    const original = await send(socketB, withB.id, "cat", { attachmentIds: [photo.id] });
    const files = attachmentFiles().length;
    const copy = await forwarded(socketA, original.id, withC.id);
    assert.equal(copy.attachments.length, 1);
    const [copied] = copy.attachments;
    assert.ok(copied);
    assert.notEqual(copied.id, photo.id);
    assert.deepEqual([copied.kind, copied.name, copied.size, copied.width], [photo.kind, photo.name, photo.size, photo.width]);
    assert.equal(attachmentFiles().length, files, "no file was written");
    const bytes = (await download(server, photo.url, token(b))).data;
    assert.deepEqual((await download(server, copied.url, token(c))).data, bytes, "C reads the same file");
    assert.equal((await download(server, copied.url, token(b))).response.status, 404, "B is not in A's chat with C");

    // B deletes the original for everyone: the forwarded copy keeps the file.
    const deleted = await request(socketB, { type: "DELETE", messageId: original.id });
    assert.equal(errorOf(deleted), undefined);
    assert.equal((await download(server, photo.url, token(a))).response.status, 404);
    assert.deepEqual((await download(server, copied.url, token(c))).data, bytes);
    assert.equal(attachmentFiles().length, files);
    // A deletes the forward: no row names the file any more, so it goes.
    assert.equal(errorOf(await request(socketA, { type: "DELETE", messageId: copy.id })), undefined);
    await eventually(() => attachmentFiles().length === files - 2, "the file and its thumbnail removed");
    close();
  });

  test("deleting the forward first keeps the original's file", async () => {
    const { b, withB, withC, socketA, socketB, close } = await threeUsers("fwdkeep");
    const photo = await uploaded(server, withB.id, await solidImage("png"), { token: token(b), name: "dog.png" });
    const original = await send(socketB, withB.id, "", { attachmentIds: [photo.id] });
    const copy = await forwarded(socketA, original.id, withC.id);
    assert.equal(copy.text, "");
    const files = attachmentFiles().length;
    assert.equal(errorOf(await request(socketA, { type: "DELETE", messageId: copy.id })), undefined);
    assert.equal(attachmentFiles().length, files);
    assert.equal((await download(server, photo.url, token(b))).response.status, 200);
    close();
  });

  test("a message of a chat the forwarder is not in is answered exactly as one that does not exist, and copies nothing", async () => {
    const { b, c, withC, socketA, socketB, socketC, close } = await threeUsers("fwdauth");
    await connect(server, b, c);
    const theirs = await openChat(server, b, c);
    const photo = await uploaded(server, theirs.id, await solidImage("png"), { token: token(b), name: "secret.png" });
    const secret = await send(socketB, theirs.id, "between B and C", { attachmentIds: [photo.id] });
    const rows = await attachmentRows();
    const foreign = await forward(socketA, secret.id, withC.id);
    const missing = await forward(socketA, randomUUID(), withC.id);
    assert.equal(errorOf(foreign), "MESSAGE_NOT_FOUND");
    assert.deepEqual(foreign.error, missing.error, "the same answer, word for word");
    assert.equal(await attachmentRows(), rows, "no attachment row was copied");
    // A message deleted for everyone cannot be forwarded.
    const gone = await send(socketB, theirs.id, "soon gone");
    assert.equal(errorOf(await request(socketB, { type: "DELETE", messageId: gone.id })), undefined);
    assert.equal(errorOf(await forward(socketC, gone.id, theirs.id)), "MESSAGE_DELETED");
    close();
  });

  test("forwarding into a chat one is not a member of is CHAT_NOT_FOUND", async () => {
    const { b, c, withB, socketA, socketB, close } = await threeUsers("fwdto");
    await connect(server, b, c);
    const theirs = await openChat(server, b, c);
    const mine = await send(socketA, withB.id, "mine");
    const rows = await attachmentRows();
    assert.equal(errorOf(await forward(socketA, mine.id, theirs.id)), "CHAT_NOT_FOUND");
    assert.equal(await attachmentRows(), rows);
    socketB.close();
    close();
  });
});

describe("delete for me", () => {
  test("hides the message on every device of the person, live; the peer keeps it; again is the same answer and tells nobody", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "hide");
    const otherA = await userSocket(server, a);
    const first = await send(socketA, chat.id, "one");
    const second = await send(socketB, chat.id, "two");
    await otherA.next("MESSAGE", 5000, (e) => e.message.id === second.id);
    const id = randomUUID();
    const ack = await hide(socketA, second.id, id);
    assert.equal(errorOf(ack), undefined);
    assert.ok(ack.hidden);
    assert.equal(ack.hidden.messageId, second.id);
    assert.equal(ack.hidden.hidden, 1);
    assert.equal(ack.hidden.lastMessage?.id, first.id, "the preview falls back to the newest one shown");
    const event = await otherA.next("MESSAGE_HIDDEN");
    assert.deepEqual({ ...event, type: undefined }, { ...ack.hidden, type: undefined });
    assert.equal(socketA.count("MESSAGE_HIDDEN"), 0, "the hiding socket has the ack");

    const mine = await historyOf(server, a, chat.id);
    assert.deepEqual(
      mine.messages.map((m) => m.id),
      [first.id],
    );
    assert.equal(mine.through, 2, "the page accounts for seq 2: hidden, not missing");
    assert.deepEqual(
      (await historyOf(server, b, chat.id)).messages.map((m) => m.id),
      [first.id, second.id],
      "the peer still sees it",
    );
    const chatA = await chatOf(server, a, chat.id);
    assert.equal(chatA.lastMessage?.id, first.id);
    assert.equal(chatA.hidden, 1);
    assert.equal((await chatOf(server, b, chat.id)).lastMessage?.id, second.id);
    assert.equal((await chatOf(server, b, chat.id)).hidden, 0);

    const again = await hide(otherA, second.id);
    assert.deepEqual(again.hidden, ack.hidden);
    await send(socketA, chat.id, "marker");
    await otherA.next("MESSAGE", 5000, (e) => e.message.text === "marker");
    assert.equal(socketA.count("MESSAGE_HIDDEN"), 0);
    assert.equal(otherA.count("MESSAGE_HIDDEN"), 1, "hiding again told nobody");
    assert.equal(socketB.events.filter((e) => e.type === "MESSAGE_HIDDEN").length, 0, "the peer never hears of it");
    for (const s of [socketA, socketB, otherA]) s.close();
  });

  test("works on any message of the person's chats, however old; not on one of a chat they are not in", async () => {
    const { chat, socketA, socketB } = await chatPair(server, "hideold");
    const old = await send(socketB, chat.id, "from long ago");
    server.clock.advance(DELETE_WINDOW_MS * 3);
    assert.equal(errorOf(await request(socketB, { type: "DELETE", messageId: old.id })), "MESSAGE_EDIT_EXPIRED");
    assert.equal(errorOf(await hide(socketA, old.id)), undefined);
    const stranger = await makeUsers(server, 1, "hidex");
    const strangerSocket = await userSocket(server, stranger[0] as SignedIn);
    const foreign = await hide(strangerSocket, old.id);
    const missing = await hide(strangerSocket, randomUUID());
    assert.equal(errorOf(foreign), "MESSAGE_NOT_FOUND");
    assert.deepEqual(foreign.error, missing.error);
    for (const s of [socketA, socketB, strangerSocket]) s.close();
  });

  test("a device that was away learns at SYNC which messages were hidden, and changes to them stay hidden", async () => {
    const { a, chat, socketA, socketB } = await chatPair(server, "hidesync");
    const kept = await send(socketB, chat.id, "kept");
    const gone = await send(socketB, chat.id, "gone");
    const before = await chatOf(server, a, chat.id);
    assert.equal(before.hidden, 0);
    // The away device knew rev 2 and no hides.
    assert.equal(errorOf(await hide(socketA, gone.id)), undefined);
    const reacted = await request(socketB, { type: "REACT", messageId: gone.id, emoji: "👍" });
    assert.equal(errorOf(reacted), undefined);
    const newer = await send(socketB, chat.id, "newer");
    const away = await userSocket(server, a);
    const synced = await request(away, { type: "SYNC", chats: [{ chatId: chat.id, rev: before.rev, hidden: before.hidden }] });
    assert.ok(synced.sync);
    const entry = synced.sync.chats.find((c) => c.chat.id === chat.id);
    assert.ok(entry);
    assert.deepEqual(entry.hidden, [gone.id]);
    assert.equal(entry.resync, false);
    assert.deepEqual(
      entry.changes.map((m) => m.id),
      [newer.id],
      "the reaction to the hidden message is not a change this person sees",
    );
    assert.equal(entry.chat.hidden, 1);
    assert.equal(entry.chat.lastMessage?.id, newer.id);
    // Up to date on rev, behind on hides only: the chat comes back with the ids.
    const onlyHides = await request(away, { type: "SYNC", chats: [{ chatId: chat.id, rev: entry.chat.rev, hidden: 0 }] });
    assert.deepEqual(onlyHides.sync?.chats.find((c) => c.chat.id === chat.id)?.hidden, [gone.id]);
    const upToDate = await request(away, { type: "SYNC", chats: [{ chatId: chat.id, rev: entry.chat.rev, hidden: 1 }] });
    assert.equal(
      upToDate.sync?.chats.find((c) => c.chat.id === chat.id),
      undefined,
    );
    assert.deepEqual(
      (await allMessages(server, a, chat.id)).map((m) => m.id),
      [kept.id, newer.id],
    );
    for (const s of [socketA, socketB, away]) s.close();
  });

  test("two devices hiding the same message at once count it once", async () => {
    const { a, chat, socketA, socketB } = await chatPair(server, "hiderace");
    const other = await userSocket(server, a);
    const target = await send(socketB, chat.id, "race");
    const [one, two] = await Promise.all([hide(socketA, target.id), hide(other, target.id)]);
    assert.equal(errorOf(one), undefined);
    assert.equal(errorOf(two), undefined);
    assert.equal((await chatOf(server, a, chat.id)).hidden, 1);
    for (const s of [socketA, socketB, other]) s.close();
  });
});
