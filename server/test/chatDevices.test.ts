import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { MessageInfo, receiptsMark, type Message } from "@easyqr/protocol";
import { call, codeOf, type SignedIn } from "./support/api.ts";
import { ackOf, chatOf, chatPair, openChat, request, roomyChatLimits, send } from "./support/chat.ts";
import type { TestSocket } from "./support/client.ts";
import { connect, eventually, makeUsers, ok, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { twoDevices, type TwoDevices } from "./support/devices.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(
  async () =>
    (server = await startServer({
      authLimits: { sendsPerIp: 10_000, sendsPerIdentifierIp: 100, sendsPerIdentifier: 100 },
      contactLimits: roomyContactLimits,
      chatLimits: roomyChatLimits,
    })),
);
after(() => server.close());

/** Two connected people on two devices each (four sockets), and their chat. */
async function fourDevices(base: string): Promise<{ a: SignedIn; b: SignedIn; chatId: string; ann: TwoDevices; ben: TwoDevices; all: TestSocket[] }> {
  const [a, b] = (await makeUsers(server, 2, base)) as [SignedIn, SignedIn];
  await connect(server, a, b);
  const chat = await openChat(server, a, b);
  const ann = await twoDevices(server, a, { phone: "Ann's Pixel", desktop: "Chrome on Linux" });
  const ben = await twoDevices(server, b, { phone: "Ben's iPhone", desktop: "Firefox on Windows" });
  return { a, b, chatId: chat.id, ann, ben, all: [ann.phoneSocket, ann.desktopSocket, ben.phoneSocket, ben.desktopSocket] };
}

const messageWith = (id: string) => (e: { message: Message }) => e.message.id === id;

function infoOf(user: SignedIn, chatId: string, messageId: string) {
  return call(server, "GET", `/api/chats/${chatId}/messages/${messageId}/info`, { token: user.tokens.accessToken });
}

/** Moves the test's clock on and says what time it is then. */
function later(ms: number): number {
  server.clock.advance(ms);
  return server.clock.now();
}

async function deviceRows(): Promise<number> {
  const row = await server.app.database.db
    .selectFrom("deviceReceipts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("every device of both people", () => {
  test("messages, edits, reactions, deletes and receipts reach all four sockets live (the one that acted gets its ACK instead)", async () => {
    const { b, chatId, ann, ben, all } = await fourDevices("four");
    const [annPhone, annDesktop, benPhone, benDesktop] = all as [TestSocket, TestSocket, TestSocket, TestSocket];
    const others = (except: TestSocket) => all.filter((s) => s !== except);

    const sent = await send(annPhone, chatId, "hello from the phone");
    for (const s of others(annPhone)) assert.deepEqual((await s.next("MESSAGE", 3000, messageWith(sent.id))).message, sent);

    const edited = await request(annDesktop, { type: "EDIT", messageId: sent.id, text: "edited on the desktop" });
    for (const s of others(annDesktop)) assert.equal((await s.next("MESSAGE_UPDATED", 3000, messageWith(sent.id))).message.text, "edited on the desktop");
    assert.equal(edited.message?.text, "edited on the desktop");

    await request(benDesktop, { type: "REACT", messageId: sent.id, emoji: "👍" });
    for (const s of others(benDesktop)) {
      const update = await s.next("MESSAGE_UPDATED", 3000, (e) => e.message.reactions.length === 1);
      assert.deepEqual(
        update.message.reactions.map((r) => [r.userId, r.emoji]),
        [[b.user.id, "👍"]],
      );
    }

    const second = await send(benPhone, chatId, "and from Ben's phone");
    for (const s of others(benPhone)) await s.next("MESSAGE", 3000, messageWith(second.id));

    await request(annPhone, { type: "DELETE", messageId: sent.id });
    for (const s of others(annPhone)) assert.notEqual((await s.next("MESSAGE_UPDATED", 3000, (e) => e.message.deletedAt !== null)).message.deletedAt, null);

    // Ben's phone says delivered: Ann's devices see the ticks, Ben's devices the unread count too.
    await request(benPhone, { type: "DELIVERED", chatId, seq: sent.seq });
    for (const s of [annPhone, annDesktop]) assert.equal((await s.next("RECEIPT")).unread, undefined, "the peer's unread count is not the sender's business");
    for (const s of [benPhone, benDesktop]) assert.deepEqual((await s.next("RECEIPT")).receipts, { deliveredSeq: 1, seenSeq: 0 });
    void ann;
    void ben;
    for (const s of all) s.close();
  });

  test("reading on one device clears the unread count on the person's other device within a second", async () => {
    const { chatId, all } = await fourDevices("badge");
    const [annPhone, , benPhone, benDesktop] = all as [TestSocket, TestSocket, TestSocket, TestSocket];
    for (let i = 1; i <= 3; i++) await send(annPhone, chatId, `m${i}`);
    await eventually(() => benPhone.count("MESSAGE") === 3, "three messages on Ben's phone");
    const started = Date.now();
    await request(benDesktop, { type: "SEEN", chatId, seq: 3 });
    const onPhone = await benPhone.next("RECEIPT", 1000, (e) => e.unread === 0);
    assert.ok(Date.now() - started < 1000, "within a second");
    assert.deepEqual(onPhone.receipts, { deliveredSeq: 3, seenSeq: 3 });
    assert.equal((await benDesktop.next("RECEIPT")).unread, 0, "the reading device hears it too");
    for (const s of all) s.close();
  });

  test("a device that was offline catches up through SYNC, read state included: the chat comes back when only receipts moved", async () => {
    const { a, b, chatId, ann, ben, all } = await fourDevices("resync");
    const [annPhone, annDesktop, benPhone, benDesktop] = all as [TestSocket, TestSocket, TestSocket, TestSocket];
    for (let i = 1; i <= 2; i++) await send(annPhone, chatId, `m${i}`);
    await eventually(() => benDesktop.count("MESSAGE") === 2 && annDesktop.count("MESSAGE") === 2, "both messages on both desktops");
    const benKnew = await chatOf(server, b, chatId);
    const annKnew = await chatOf(server, a, chatId);
    assert.equal(benKnew.unread, 2);
    benDesktop.close();
    annDesktop.close();

    // While both desktops are away, Ben reads on his phone.
    await request(benPhone, { type: "SEEN", chatId, seq: 2 });

    const benBack = await userSocket(server, ben.desktop);
    const synced = await request(benBack, { type: "SYNC", chats: [{ chatId, rev: benKnew.rev, receipts: receiptsMark(benKnew) }] });
    const chat = synced.sync?.chats[0];
    assert.equal(synced.sync?.chats.length, 1);
    assert.deepEqual([chat?.chat.unread, chat?.chat.mine, chat?.changes, chat?.resync], [0, { deliveredSeq: 2, seenSeq: 2 }, [], false]);

    const annBack = await userSocket(server, ann.desktop);
    const annSynced = await request(annBack, { type: "SYNC", chats: [{ chatId, rev: annKnew.rev, receipts: receiptsMark(annKnew) }] });
    assert.deepEqual(annSynced.sync?.chats[0]?.chat.theirs, { deliveredSeq: 2, seenSeq: 2 }, "the sender's other device sees the ticks it missed");

    const current = await chatOf(server, b, chatId);
    const again = await request(benBack, { type: "SYNC", chats: [{ chatId, rev: current.rev, receipts: receiptsMark(current) }] });
    assert.deepEqual(again.sync, { chats: [] }, "nothing when nothing moved");
    const old = await request(benBack, { type: "SYNC", chats: [{ chatId, rev: benKnew.rev }] });
    assert.deepEqual(old.sync, { chats: [] }, "a cursor without `receipts` asks about messages only, as before");

    // Messages sent meanwhile come with the read state of the moment.
    benBack.close();
    const third = await send(annPhone, chatId, "m3");
    await request(benPhone, { type: "SEEN", chatId, seq: third.seq });
    const benAgain = await userSocket(server, ben.desktop);
    const caught = await request(benAgain, { type: "SYNC", chats: [{ chatId, rev: current.rev, receipts: receiptsMark(current) }] });
    assert.deepEqual(
      caught.sync?.chats[0]?.changes.map((m) => m.id),
      [third.id],
    );
    assert.equal(caught.sync?.chats[0]?.chat.unread, 0);
    for (const s of [annPhone, benPhone, annBack, benAgain]) s.close();
  });
});

describe("per-device receipts: Message info", () => {
  test("each of the recipient's devices, with when its own watermarks reached the message", async () => {
    const { a, b, chatId, ann, ben, all } = await fourDevices("info");
    const [annPhone, , benPhone, benDesktop] = all as [TestSocket, TestSocket, TestSocket, TestSocket];
    const m1 = await send(annPhone, chatId, "one");
    const m2 = await send(annPhone, chatId, "two");
    assert.deepEqual(ok(await infoOf(a, chatId, m1.id), MessageInfo), { messageId: m1.id, devices: [] }, "nobody got it yet");

    const t1 = later(1000);
    await request(benPhone, { type: "DELIVERED", chatId, seq: 1 });
    const t2 = later(60_000);
    await request(benDesktop, { type: "DELIVERED", chatId, seq: 2 });
    const t3 = later(180_000);
    await request(benDesktop, { type: "SEEN", chatId, seq: 2 });
    server.clock.advance(1000);
    // Moving nothing writes nothing: the same watermark again, or one below.
    const rows = await deviceRows();
    await request(benPhone, { type: "DELIVERED", chatId, seq: 1 });
    await request(benDesktop, { type: "DELIVERED", chatId, seq: 1 });
    assert.equal(await deviceRows(), rows);

    const info1 = ok(await infoOf(a, chatId, m1.id), MessageInfo);
    assert.deepEqual(info1.devices, [
      { deviceName: "Ben's iPhone", platform: "Android", linked: true, deliveredAt: t1, readAt: null },
      { deviceName: "Firefox on Windows", platform: "Linux", linked: true, deliveredAt: t2, readAt: t3 },
    ]);
    const info2 = ok(await infoOf(a, chatId, m2.id), MessageInfo);
    assert.deepEqual(
      info2.devices,
      [{ deviceName: "Firefox on Windows", platform: "Linux", linked: true, deliveredAt: t2, readAt: t3 }],
      "the phone got only m1",
    );

    // Ann's own devices reading Ben's messages are not Ben's recipients' devices.
    const fromBen = await send(benPhone, chatId, "reply");
    await request(annPhone, { type: "SEEN", chatId, seq: fromBen.seq });
    assert.deepEqual(
      ok(await infoOf(a, chatId, m1.id), MessageInfo).devices.map((d) => d.deviceName),
      ["Ben's iPhone", "Firefox on Windows"],
    );
    assert.deepEqual(ok(await infoOf(b, chatId, fromBen.id), MessageInfo).devices, [
      { deviceName: "Ann's Pixel", platform: "Android", linked: true, deliveredAt: server.clock.now(), readAt: server.clock.now() },
    ]);

    // A device whose session ran out, or was logged out, keeps its receipts, shown as no longer linked; one whose session is gone keeps them nameless.
    await server.app.database.db.updateTable("authSessions").set({ expiresAt: server.clock.now() }).where("id", "=", ben.phone.tokens.sessionId).execute();
    assert.deepEqual(
      ok(await infoOf(a, chatId, m1.id), MessageInfo).devices.map((d) => [d.deviceName, d.linked]),
      [
        ["Ben's iPhone", false],
        ["Firefox on Windows", true],
      ],
    );
    await server.app.database.db
      .updateTable("authSessions")
      .set({ expiresAt: server.clock.now() + 60_000 })
      .where("id", "=", ben.phone.tokens.sessionId)
      .execute();
    const logout = await call(server, "POST", "/api/auth/logout", { token: ben.phone.tokens.accessToken, body: {} });
    assert.equal(logout.status, 204);
    await server.app.database.db.deleteFrom("authSessions").where("id", "=", ben.desktop.tokens.sessionId).execute();
    assert.deepEqual(ok(await infoOf(a, chatId, m1.id), MessageInfo).devices, [
      { deviceName: "Ben's iPhone", platform: "Android", linked: false, deliveredAt: t1, readAt: null },
      { deviceName: null, platform: null, linked: false, deliveredAt: t2, readAt: t3 },
    ]);
    void ann;
    for (const s of all) s.close();
  });

  test("only the sender may ask, only about a message of that chat; anyone else hears what a missing chat answers", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "infoauth");
    const [c, d] = (await makeUsers(server, 2, "infoother")) as [SignedIn, SignedIn];
    await connect(server, c, d);
    const otherChat = await openChat(server, c, d);
    const socketC = await userSocket(server, c);
    const elsewhere = await send(socketC, otherChat.id, "not in a's chat");
    const mine = await send(socketA, chat.id, "a's message");
    await request(socketB, { type: "SEEN", chatId: chat.id, seq: mine.seq });

    assert.equal((await infoOf(a, chat.id, mine.id)).status, 200, "the sender");
    const asRecipient = await infoOf(b, chat.id, mine.id);
    assert.deepEqual([asRecipient.status, codeOf(asRecipient)], [403, "MESSAGE_NOT_YOURS"], "the recipient");
    const missingChat = await infoOf(c, "00000000-0000-4000-8000-000000000000", mine.id);
    const asStranger = await infoOf(c, chat.id, mine.id);
    assert.deepEqual([asStranger.status, codeOf(asStranger)], [missingChat.status, codeOf(missingChat)], "a non-member: as for no chat");
    assert.deepEqual([asStranger.status, codeOf(asStranger)], [404, "CHAT_NOT_FOUND"]);
    const otherMessage = await infoOf(a, chat.id, elsewhere.id);
    assert.deepEqual([otherMessage.status, codeOf(otherMessage)], [404, "MESSAGE_NOT_FOUND"], "a message of another chat");
    const noMessage = await infoOf(a, chat.id, "00000000-0000-4000-8000-000000000000");
    assert.deepEqual([noMessage.status, codeOf(noMessage)], [404, "MESSAGE_NOT_FOUND"]);
    const bad = await infoOf(a, chat.id, "not-a-uuid");
    assert.deepEqual([bad.status, codeOf(bad)], [400, "VALIDATION"]);
    const anonymous = await call(server, "GET", `/api/chats/${chat.id}/messages/${mine.id}/info`);
    assert.equal(anonymous.status, 401);
    for (const s of [socketA, socketB, socketC]) s.close();
  });

  test("two tabs of one device (one session) saying the same receipts at once are all answered without an error", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "infotabs");
    const tab2 = await userSocket(server, b);
    let last: Message | undefined;
    for (let i = 0; i < 5; i++) last = await send(socketA, chat.id, `m${i}`);
    const frames = [socketB, tab2].flatMap((s) =>
      [1, 3, 5, 5].flatMap((seq) => [
        { s, frame: { type: "DELIVERED", id: randomUUID(), chatId: chat.id, seq } },
        { s, frame: { type: "SEEN", id: randomUUID(), chatId: chat.id, seq } },
      ]),
    );
    for (const { s, frame } of frames) s.send(frame);
    const acks = await Promise.all(frames.map(({ s, frame }) => ackOf(s, frame.id)));
    assert.deepEqual(
      acks.filter((ack) => ack.error),
      [],
    );
    const info = ok(await infoOf(a, chat.id, last?.id ?? ""), MessageInfo);
    assert.equal(info.devices.length, 1, "one session, one device");
    assert.notEqual(info.devices[0]?.readAt, null);
    for (const s of [socketA, socketB, tab2]) s.close();
  });

  test("sending writes no per-device rows: they come only with watermark advances", async () => {
    const { chat, socketA, socketB } = await chatPair(server, "inforows");
    const rows = await deviceRows();
    for (let i = 0; i < 20; i++) await send(socketA, chat.id, `m${i}`);
    assert.equal(await deviceRows(), rows, "20 sends, no rows");
    await request(socketB, { type: "DELIVERED", chatId: chat.id, seq: 20 });
    await request(socketB, { type: "SEEN", chatId: chat.id, seq: 20 });
    assert.equal(await deviceRows(), rows + 2, "two advances, two rows, for 20 messages");
    socketA.close();
    socketB.close();
  });
});
