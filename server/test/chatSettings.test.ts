import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { Chat, MAX_PINNED_CHATS, MUTE_DURATIONS_MS, MUTED_ALWAYS, type ChatSettingsRequest } from "@easyqr/protocol";
import { call, codeOf, type SignedIn } from "./support/api.ts";
import { chatList, chatOf, chatPair, openChat, request, roomyChatLimits, send } from "./support/chat.ts";
import { connect, makeUsers, ok, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(async () => (server = await startServer({ contactLimits: { qrIssuesPerUser: 1000, requestsPerUser: 1000 }, chatLimits: roomyChatLimits })));
after(() => server.close());

const change = (user: SignedIn, chatId: string, body: ChatSettingsRequest | Record<string, unknown>) =>
  call(server, "PATCH", `/api/chats/${chatId}/settings`, { token: user.tokens.accessToken, body });

async function settle(user: SignedIn, chatId: string, body: ChatSettingsRequest): Promise<Chat> {
  return ok(await change(user, chatId, body), Chat);
}

describe("chat settings", () => {
  test("pin, archive, mute and mark unread: each answered, heard live by the person's other devices only, not by the peer", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "cset");
    const a2 = await userSocket(server, a);
    await send(socketA, chat.id, "hello");
    const now = server.clock.now();

    const pinned = await settle(a, chat.id, { pinned: true });
    assert.equal(pinned.settings.pinnedAt, now);
    assert.equal(pinned.settings.rev, 1);
    const heard = await a2.next("CHAT_SETTINGS");
    assert.deepEqual(heard, { type: "CHAT_SETTINGS", chatId: chat.id, settings: pinned.settings });

    const muted = await settle(a, chat.id, { mute: "8h" });
    assert.equal(muted.settings.mutedUntil, now + MUTE_DURATIONS_MS["8h"]);
    assert.equal((await settle(a, chat.id, { mute: "1w" })).settings.mutedUntil, now + MUTE_DURATIONS_MS["1w"]);
    assert.equal((await settle(a, chat.id, { mute: "always" })).settings.mutedUntil, MUTED_ALWAYS);
    assert.equal((await settle(a, chat.id, { markedUnread: true })).settings.markedUnread, true);
    const archived = await settle(a, chat.id, { archived: true });
    assert.equal(archived.settings.archivedAt, now);
    assert.equal(archived.settings.pinnedAt, null, "archiving unpins (as WhatsApp)");
    assert.equal(archived.settings.rev, 6);

    for (let i = 0; i < 4; i++) await a2.next("CHAT_SETTINGS");
    assert.deepEqual((await a2.next("CHAT_SETTINGS")).settings, archived.settings);
    assert.equal(socketB.count("CHAT_SETTINGS"), 0, "the peer hears nothing of them");
    const forB = await chatOf(server, b, chat.id);
    assert.deepEqual(
      forB.settings,
      { pinnedAt: null, archivedAt: null, mutedUntil: null, markedUnread: false, rev: 0 },
      "the peer's own settings are untouched",
    );
    assert.deepEqual((await chatOf(server, a, chat.id)).settings, archived.settings, "stored");

    // A new message keeps an archived chat archived (WhatsApp's "Keep chats archived").
    await send(socketB, chat.id, "still there?");
    assert.equal((await chatOf(server, a, chat.id)).settings.archivedAt, now);

    const again = await change(a, chat.id, { archived: true });
    assert.equal(again.status, 200);
    assert.equal(ok(again, Chat).settings.rev, 6, "a change that changes nothing moves no rev");
    const pinnedBack = await settle(a, chat.id, { pinned: true });
    assert.equal(pinnedBack.settings.archivedAt, null, "pinning takes it out of the archive");
    for (const s of [socketA, socketB, a2]) s.close();
  });

  test(`at most ${MAX_PINNED_CHATS} pinned: one more is CHAT_PIN_LIMIT, also when pinned at once; unpinning makes room`, async () => {
    const [me, ...peers] = await makeUsers(server, MAX_PINNED_CHATS + 3, "pins");
    assert.equal(peers.length, MAX_PINNED_CHATS + 2);
    const chats: Chat[] = [];
    for (const peer of peers) {
      await connect(server, me!, peer);
      chats.push(await openChat(server, me!, peer));
    }
    for (const c of chats.slice(0, MAX_PINNED_CHATS - 1)) await settle(me!, c.id, { pinned: true });
    // The last free place, asked for by three chats at once: one gets it.
    const racing = await Promise.all(chats.slice(MAX_PINNED_CHATS - 1).map((c) => change(me!, c.id, { pinned: true })));
    assert.deepEqual(racing.map((r) => r.status).sort(), [200, 409, 409]);
    const refused = racing.find((r) => r.status === 409)!;
    assert.equal(codeOf(refused), "CHAT_PIN_LIMIT");
    assert.deepEqual((refused.body as { error: { data: unknown } }).error.data, { max: MAX_PINNED_CHATS });
    const first = chats[0]!;
    await settle(me!, first.id, { pinned: false });
    const loser = chats.slice(MAX_PINNED_CHATS - 1).find((_c, i) => racing[i]!.status === 409)!;
    assert.equal((await change(me!, loser.id, { pinned: true })).status, 200, "unpinning made room");
    assert.equal((await change(me!, loser.id, { pinned: true })).status, 200, "pinning a pinned chat again is no new pin");
  });

  test("the first page of the list brings the pinned chats wherever their activity falls", async () => {
    const [me, ...peers] = await makeUsers(server, 4, "pinpage");
    const chats: Chat[] = [];
    const mine = await userSocket(server, me!);
    for (const peer of peers) {
      await connect(server, me!, peer);
      const c = await openChat(server, me!, peer);
      chats.push(c);
      await send(mine, c.id, `to ${peer.user.username}`);
      server.clock.advance(1000);
    }
    const oldest = chats[0]!;
    await settle(me!, oldest.id, { pinned: true });
    const page = await chatList(server, me!, "?limit=2");
    assert.deepEqual(
      page.chats.map((c) => c.id),
      [chats[2]!.id, chats[1]!.id, oldest.id],
    );
    assert.equal(page.next, page.chats[1]!.activityAt, "the cursor is still the last page row's");
    const second = await chatList(server, me!, `?limit=2&before=${page.next}`);
    assert.deepEqual(
      second.chats.map((c) => c.id),
      [oldest.id],
      "later pages as before",
    );
    mine.close();
  });

  test("SYNC brings settings changed while a device was away (no rev moved), and only then", async () => {
    const { a, chat, socketA, socketB } = await chatPair(server, "csync");
    await send(socketB, chat.id, "hi");
    const known = await chatOf(server, a, chat.id);
    const cursor = (c: Chat) => ({ chatId: c.id, rev: c.rev, receipts: 0, settings: c.settings.rev });
    const marks = (c: Chat) => c.mine.deliveredSeq + c.mine.seenSeq + c.theirs.deliveredSeq + c.theirs.seenSeq;
    const sync = async (c: Chat) => (await request(socketA, { type: "SYNC", id: randomUUID(), chats: [{ ...cursor(c), receipts: marks(c) }] })).sync!;
    assert.deepEqual((await sync(known)).chats, [], "nothing changed: nothing to say");
    // The device is away; the person mutes and pins on another device.
    socketA.close();
    await settle(a, chat.id, { mute: "always" });
    const now = await settle(a, chat.id, { pinned: true });
    assert.equal(now.rev, known.rev, "settings move no rev");
    const back = await userSocket(server, a);
    const answer = (await request(back, { type: "SYNC", id: randomUUID(), chats: [{ ...cursor(known), receipts: marks(known) }] })).sync!;
    assert.equal(answer.chats.length, 1);
    assert.deepEqual(answer.chats[0]!.chat.settings, now.settings);
    assert.deepEqual(answer.chats[0]!.changes, []);
    assert.equal(answer.chats[0]!.resync, false);
    const caughtUp = (await request(back, { type: "SYNC", id: randomUUID(), chats: [{ ...cursor(now), receipts: marks(now) }] })).sync!;
    assert.deepEqual(caughtUp.chats, [], "caught up: nothing again");
    for (const s of [back, socketB]) s.close();
  });

  test("authorization and input: not a member's chat is CHAT_NOT_FOUND (as no chat); bad bodies are VALIDATION", async () => {
    const { a, chat, socketA, socketB } = await chatPair(server, "cauth");
    const [stranger] = await makeUsers(server, 1, "cstranger");
    const refused = await change(stranger!, chat.id, { pinned: true });
    assert.equal(refused.status, 404);
    assert.equal(codeOf(refused), "CHAT_NOT_FOUND");
    assert.equal(codeOf(await change(stranger!, randomUUID(), { pinned: true })), "CHAT_NOT_FOUND", "the same answer as for no chat");
    assert.equal((await chatOf(server, a, chat.id)).settings.pinnedAt, null);
    for (const body of [{}, { pinned: "yes" }, { mute: "forever" }, { pinned: true, archived: true }, { pinned: true, extra: 1 }]) {
      assert.equal(codeOf(await change(a, chat.id, body)), "VALIDATION", JSON.stringify(body));
    }
    assert.equal(codeOf(await call(server, "PATCH", `/api/chats/${chat.id}/settings`, { body: { pinned: true } })), "AUTH_REQUIRED");
    for (const s of [socketA, socketB]) s.close();
  });
});
