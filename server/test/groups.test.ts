import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { SyncResult } from "@easyqr/protocol";
import { Chat, GroupCard, MessageInfo, type Message } from "@easyqr/protocol";
import { call, codeOf, type SignedIn } from "./support/api.ts";
import { uploadTo } from "./support/attachments.ts";
import { chatOf, chatsOf, errorOf, historyOf, received, request, send } from "./support/chat.ts";
import { connect, makeUsers, ok, userSocket } from "./support/contacts.ts";
import { asGroup, groupInfo, groupOf, groupsOf, makeGroup } from "./support/groups.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { solidImage } from "./support/images.ts";

let server: TestServer;
before(
  async () =>
    (server = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: { qrIssuesPerUser: 1000, requestsPerUser: 1000 },
    })),
);
after(() => server.close());

const systemEvents = (messages: Message[]) => messages.map((m) => m.system?.event ?? "text");
const chatAs = async (user: SignedIn, chatId: string) => asGroup(await chatOf(server, user, chatId));

describe("groups", () => {
  test("creating: the creator is admin, members hear of it, the chat opens with system lines", async () => {
    const [owner, b, c] = (await makeUsers(server, 3, "create")) as [SignedIn, SignedIn, SignedIn];
    await connect(server, owner, b);
    const socketB = await userSocket(server, b);
    await connect(server, owner, c);
    const group = asGroup(ok(await groupsOf(server, owner).create({ name: "Climbing", memberIds: [b.user.id, c.user.id] }), Chat));
    assert.equal(group.role, "admin");
    assert.equal(group.group.name, "Climbing");
    assert.equal(group.group.memberCount, 3);
    assert.deepEqual(group.lastSeq, 2);
    const membership = await socketB.next("GROUP_MEMBERSHIP");
    assert.equal(asGroup(membership.chat).role, "member");
    assert.equal(membership.chat.id, group.id);
    const history = await historyOf(server, b, group.id);
    assert.deepEqual(systemEvents(history.messages), ["created", "added"]);
    const added = history.messages[1]?.system;
    assert.equal(added?.event, "added");
    assert.deepEqual(added.event === "added" ? added.users.map((u) => u.id).sort() : [], [b.user.id, c.user.id].sort());
    assert.equal((await chatAs(b, group.id)).unread, 2, "system lines count as unread");
    assert.equal((await chatAs(owner, group.id)).unread, 0, "one's own lines are read");
    const info = await groupInfo(server, b, group.id);
    assert.deepEqual(
      info.members.map((m) => [m.user.id, m.role]),
      [[owner.user.id, "admin"], ...[b.user.id, c.user.id].sort().map((id) => [id, "member"])],
      "admins first, then by joining (ties by id)",
    );
    assert.equal(info.pendingRequests, 0);
    const listed = (await chatsOf(server, c).list()).body as { chats: Chat[] };
    assert.ok(
      listed.chats.some((chat) => chat.id === group.id && chat.kind === "group"),
      "in the chat list",
    );

    const [stranger] = (await makeUsers(server, 1, "createx")) as [SignedIn];
    const refused = await groupsOf(server, owner).create({ name: "No", memberIds: [stranger.user.id] });
    assert.equal(codeOf(refused), "GROUP_NOT_CONNECTED");
    assert.deepEqual((refused.body as { error: { data: unknown } }).error.data, { userIds: [stranger.user.id] });
    assert.equal(codeOf(await groupsOf(server, owner).create({ name: " ", memberIds: [] })), "VALIDATION");
    assert.equal(codeOf(await groupsOf(server, owner).create({ name: "x".repeat(101), memberIds: [] })), "VALIDATION");
    socketB.close();
  });

  test("a message reaches every member once; mentions are kept for members only; ticks turn blue when everyone read", async () => {
    const { owner, members, group } = await groupOf(server, 2, "fan");
    const [b, c] = members as [SignedIn, SignedIn];
    const [socketA, socketB, socketC] = await Promise.all([userSocket(server, owner), userSocket(server, b), userSocket(server, c)]);
    const sent = await send(socketA, group.id, "hello @b", { mentions: [b.user.id, randomUUID()] });
    assert.deepEqual(sent.mentions, [b.user.id], "a non-member mentioned is dropped");
    for (const socket of [socketB, socketC]) assert.equal((await socket.next("MESSAGE", 3000, (e) => e.message.id === sent.id)).message.text, "hello @b");
    assert.equal((await chatAs(b, group.id)).unread, 3);
    assert.equal((await chatAs(b, group.id)).lastSenderName, owner.user.name, "the list names who wrote the last message");
    assert.equal((await chatAs(owner, group.id)).lastSenderName, null, "one's own is not named");

    assert.equal(errorOf(await request(socketB, { type: "SEEN", chatId: group.id, seq: sent.seq })), undefined);
    const own = await socketB.next("RECEIPT");
    assert.deepEqual([own.userId, own.unread], [b.user.id, 0], "the reader's devices hear their unread");
    assert.equal((await chatAs(owner, group.id)).theirs.seenSeq < sent.seq, true, "not blue while C has not read");
    assert.equal(
      socketA.events.some((e) => e.type === "RECEIPT"),
      false,
      "other members hear no per-reader receipt",
    );
    assert.equal(errorOf(await request(socketC, { type: "SEEN", chatId: group.id, seq: sent.seq })), undefined);
    const ticks = await socketA.next("GROUP_RECEIPT", 3000, (e) => e.theirs.seenSeq >= sent.seq);
    assert.equal(ticks.chatId, group.id);
    assert.equal((await chatAs(owner, group.id)).theirs.seenSeq, sent.seq, "blue once every member read");
    assert.equal((await chatAs(c, group.id)).unread, 0);
    for (const socket of [socketA, socketB, socketC]) socket.close();
  });

  test("the authorization matrix: non-member, member, admin, former member", async () => {
    const { owner, members, group } = await groupOf(server, 2, "auth");
    const [b, c] = members as [SignedIn, SignedIn];
    const [stranger] = (await makeUsers(server, 1, "authx")) as [SignedIn];
    const [socketA, socketB, socketC, socketS] = await Promise.all([
      userSocket(server, owner),
      userSocket(server, b),
      userSocket(server, c),
      userSocket(server, stranger),
    ]);
    const message = await send(socketA, group.id, "members only");
    const missing = randomUUID();

    // A non-member: exactly what a group that does not exist answers.
    const api = groupsOf(server, stranger);
    const chats = chatsOf(server, stranger);
    for (const [theirs, none] of [
      [await chats.get(group.id), await chats.get(missing)],
      [await chats.history(group.id), await chats.history(missing)],
      [await api.info(group.id), await api.info(missing)],
      [await api.leave(group.id), await api.leave(missing)],
      [await api.add(group.id, [b.user.id]), await api.add(missing, [b.user.id])],
      [await call(server, "GET", `/api/chats/${group.id}/messages/${message.id}/info`, { token: stranger.tokens.accessToken }), await chats.get(missing)],
    ] as const) {
      assert.equal(theirs.status, 404);
      assert.deepEqual(theirs.body, none.body);
    }
    for (const frame of [
      { type: "SEND", chatId: group.id, text: "hi" },
      { type: "SEEN", chatId: group.id, seq: 1 },
    ])
      assert.equal(errorOf(await request(socketS, frame)), "CHAT_NOT_FOUND");
    for (const frame of [
      { type: "REACT", messageId: message.id, emoji: "👍" },
      { type: "EDIT", messageId: message.id, text: "x" },
      { type: "HIDE", messageId: message.id },
      { type: "FORWARD", messageId: message.id, chatId: group.id },
    ])
      assert.equal(errorOf(await request(socketS, frame)), "MESSAGE_NOT_FOUND", frame.type);
    assert.equal(codeOf(await uploadTo(server, group.id, new Uint8Array([1, 2, 3]), { token: stranger.tokens.accessToken })), "CHAT_NOT_FOUND");

    // A member who is not an admin.
    const asB = groupsOf(server, b);
    for (const reply of [
      await asB.add(group.id, [stranger.user.id]),
      await asB.remove(group.id, c.user.id),
      await asB.makeAdmin(group.id, c.user.id),
      await asB.invite(group.id),
      await asB.createInvite(group.id),
      await asB.requests(group.id),
      await asB.update(group.id, { settings: { onlyAdminsSend: true } }),
    ])
      assert.equal(codeOf(reply), "NOT_GROUP_ADMIN");
    assert.equal(ok(await asB.update(group.id, { name: "Renamed by B" }), GroupCard).name, "Renamed by B", "members edit the name unless only admins may");
    assert.equal(errorOf(await request(socketB, { type: "REACT", messageId: message.id, emoji: "👍" })), undefined);

    // The admin.
    assert.equal((await groupsOf(server, owner).update(group.id, { settings: { onlyAdminsEdit: true } })).status, 200);
    assert.equal(codeOf(await asB.update(group.id, { name: "Again" })), "NOT_GROUP_ADMIN");
    assert.equal((await groupsOf(server, owner).remove(group.id, c.user.id)).status, 204);
    assert.equal(codeOf(await groupsOf(server, owner).remove(group.id, c.user.id)), "GROUP_MEMBER_NOT_FOUND");

    // A former member keeps the chat to read, up to their removal, and may do nothing in it.
    const membership = await socketC.next("GROUP_MEMBERSHIP", 3000, (e) => asGroup(e.chat).role === null);
    assert.equal(membership.chat.id, group.id);
    const seenByC = await chatAs(c, group.id);
    assert.equal(seenByC.role, null);
    const historyC = await historyOf(server, c, group.id);
    assert.equal(historyC.messages.at(-1)?.system?.event, "removed");
    assert.deepEqual(historyC.messages.at(-1)?.system?.actor, { id: owner.user.id, name: owner.user.name }, "the line names the admin who removed");
    assert.equal(historyC.through, seenByC.lastSeq);
    for (const frame of [{ type: "SEND", chatId: group.id, text: "still here?" }]) assert.equal(errorOf(await request(socketC, frame)), "GROUP_NOT_MEMBER");
    for (const frame of [
      { type: "REACT", messageId: message.id, emoji: "👎" },
      { type: "DELETE", messageId: message.id },
    ])
      assert.equal(errorOf(await request(socketC, frame)), frame.type === "DELETE" ? "MESSAGE_NOT_YOURS" : "GROUP_NOT_MEMBER", frame.type);
    assert.equal(codeOf(await groupsOf(server, c).info(group.id)), "GROUP_NOT_MEMBER");
    assert.equal(codeOf(await groupsOf(server, c).leave(group.id)), "GROUP_NOT_MEMBER");
    assert.equal(codeOf(await uploadTo(server, group.id, new Uint8Array([1, 2, 3]), { token: c.tokens.accessToken })), "GROUP_NOT_MEMBER");
    assert.equal(errorOf(await request(socketC, { type: "SEEN", chatId: group.id, seq: 99 })), undefined, "receipts are accepted and change nothing");
    for (const socket of [socketA, socketB, socketC, socketS]) socket.close();
  });

  test("a former member gets nothing after leaving (live, history, SYNC); rejoining starts a new epoch", async () => {
    const { owner, members, group } = await groupOf(server, 2, "epoch");
    const [b, c] = members as [SignedIn, SignedIn];
    const [socketA, socketC] = await Promise.all([userSocket(server, owner), userSocket(server, c)]);
    const before = await send(socketA, group.id, "before C left");
    await socketC.next("MESSAGE", 3000, (e) => e.message.id === before.id);
    assert.equal((await groupsOf(server, c).leave(group.id)).status, 204);
    const left = await chatAs(c, group.id);
    assert.equal(left.role, null);
    const whileAway = await send(socketA, group.id, "while C is away");
    assert.equal(errorOf(await request(socketA, { type: "EDIT", messageId: before.id, text: "edited after C left" })), undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(
      received(socketC, group.id).some((m) => m.id === whileAway.id),
      false,
      "no live message after leaving",
    );
    assert.equal(
      socketC.events.some((e) => e.type === "MESSAGE_UPDATED"),
      false,
      "no live change after leaving",
    );
    const after = await chatAs(c, group.id);
    assert.deepEqual([after.lastSeq, after.rev], [left.lastSeq, left.rev], "the chat stops at the leaving");
    const history = await historyOf(server, c, group.id);
    assert.equal(history.messages.at(-1)?.system?.event, "left");
    assert.deepEqual(history.messages.at(-1)?.system?.actor, { id: c.user.id, name: c.user.name }, "the line names the leaver (nobody else may know them)");
    assert.equal(
      history.messages.some((m) => m.id === whileAway.id),
      false,
    );
    const full = (await request(socketC, { type: "SYNC", chats: [{ chatId: group.id, rev: before.rev }] })).sync as SyncResult;
    const synced = full.chats.find((s) => s.chat.id === group.id);
    assert.ok(synced);
    assert.equal(
      synced.changes.some((m) => m.id === whileAway.id || m.text === "edited after C left"),
      false,
      "SYNC carries nothing after the leaving",
    );
    assert.equal(synced.chat.rev, left.rev);
    assert.equal(
      (await request(socketC, { type: "SYNC", chats: [{ chatId: group.id, rev: left.rev }] })).sync?.chats.some((s) => s.chat.id === group.id),
      false,
      "nothing new for a former member whose cursor is at their leaving",
    );
    assert.equal(errorOf(await request(socketC, { type: "REACT", messageId: whileAway.id, emoji: "👍" })), "MESSAGE_NOT_FOUND");

    // Back in: what was said while away stays unseen, the new epoch is seen.
    assert.equal((await groupsOf(server, owner).add(group.id, [c.user.id])).status, 200);
    const back = await chatAs(c, group.id);
    assert.equal(back.role, "member");
    const afterBack = await send(socketA, group.id, "welcome back");
    const historyBack = (await historyOf(server, c, group.id)).messages;
    assert.ok(
      historyBack.some((m) => m.id === before.id),
      "the first stay's messages are kept",
    );
    assert.ok(historyBack.some((m) => m.id === afterBack.id));
    assert.equal(
      historyBack.some((m) => m.id === whileAway.id),
      false,
      "what was said while away is not theirs",
    );
    assert.deepEqual(systemEvents(historyBack.slice(-3)), ["left", "added", "text"]);
    assert.equal(errorOf(await request(socketC, { type: "REACT", messageId: whileAway.id, emoji: "👍" })), "MESSAGE_NOT_FOUND");
    const info = await groupInfo(server, b, group.id);
    assert.equal(info.group.memberCount, 3);
    socketA.close();
    socketC.close();
  });

  test("system lines reach a member through SYNC with the group's new card", async () => {
    const { owner, members, group } = await groupOf(server, 1, "syncs");
    const [b] = members as [SignedIn];
    const start = await chatAs(b, group.id);
    assert.equal(ok(await groupsOf(server, owner).update(group.id, { name: "New name", description: "about us" }), GroupCard).name, "New name");
    const socketB = await userSocket(server, b);
    const sync = (await request(socketB, { type: "SYNC", chats: [{ chatId: group.id, rev: start.rev }] })).sync;
    const entry = sync?.chats.find((s) => s.chat.id === group.id);
    assert.ok(entry && !entry.resync);
    assert.deepEqual(systemEvents(entry.changes), ["renamed", "description_changed"]);
    assert.equal(asGroup(entry.chat).group.name, "New name");
    assert.equal(asGroup(entry.chat).group.description, "about us");
    socketB.close();
  });

  test("only admins send when so set; the last admin leaving hands admin to the longest member", async () => {
    const [owner, first, later] = (await makeUsers(server, 3, "admins")) as [SignedIn, SignedIn, SignedIn];
    const group = await makeGroup(server, owner, [first]);
    await connect(server, owner, later);
    assert.equal((await groupsOf(server, owner).add(group.id, [later.user.id])).status, 200);
    const [b, c] = [first, later];
    const [socketB, socketC] = await Promise.all([userSocket(server, b), userSocket(server, c)]);
    assert.equal((await groupsOf(server, owner).update(group.id, { settings: { onlyAdminsSend: true } })).status, 200);
    assert.equal(errorOf(await request(socketB, { type: "SEND", chatId: group.id, text: "may I?" })), "NOT_GROUP_ADMIN");
    assert.equal(codeOf(await groupsOf(server, owner).unmakeAdmin(group.id, owner.user.id)), "GROUP_LAST_ADMIN");
    assert.equal((await groupsOf(server, owner).leave(group.id)).status, 204);
    const heir = await socketB.next("GROUP_MEMBERSHIP", 3000, (e) => asGroup(e.chat).role === "admin");
    assert.equal(heir.chat.id, group.id);
    const lines = (await historyOf(server, c, group.id)).messages;
    const handed = lines.at(-1)?.system;
    assert.equal(handed?.event, "admin_added");
    assert.deepEqual(handed.event === "admin_added" ? [handed.users.map((u) => u.id), handed.automatic] : [], [[b.user.id], true]);
    assert.ok(await send(socketB, group.id, "I run this now"));
    assert.equal((await groupsOf(server, b).makeAdmin(group.id, c.user.id)).status, 204);
    assert.equal((await groupsOf(server, c).unmakeAdmin(group.id, b.user.id)).status, 204);
    assert.equal(errorOf(await request(socketB, { type: "SEND", chatId: group.id, text: "now I may not" })), "NOT_GROUP_ADMIN");
    socketB.close();
    socketC.close();
  });

  test("typing names the typist to every other member; message info lists who read", async () => {
    const { owner, members, group } = await groupOf(server, 2, "typing");
    const [b, c] = members as [SignedIn, SignedIn];
    const [socketA, socketB, socketC] = await Promise.all([userSocket(server, owner), userSocket(server, b), userSocket(server, c)]);
    socketB.send({ type: "TYPING", chatId: group.id, typing: true });
    for (const socket of [socketA, socketC]) {
      const typing = await socket.next("TYPING");
      assert.deepEqual([typing.chatId, typing.userId, typing.typing], [group.id, b.user.id, true]);
    }
    const sent = await send(socketA, group.id, "read me");
    await request(socketB, { type: "SEEN", chatId: group.id, seq: sent.seq });
    await request(socketC, { type: "DELIVERED", chatId: group.id, seq: sent.seq });
    const info = ok(await call(server, "GET", `/api/chats/${group.id}/messages/${sent.id}/info`, { token: owner.tokens.accessToken }), MessageInfo);
    assert.deepEqual(info.devices, []);
    assert.deepEqual(
      info.members?.map((m) => [m.userId, m.readAt !== null, m.deliveredAt !== null]),
      [
        [b.user.id, true, true],
        [c.user.id, false, true],
      ],
    );
    assert.equal(codeOf(await call(server, "GET", `/api/chats/${group.id}/messages/${sent.id}/info`, { token: b.tokens.accessToken })), "MESSAGE_NOT_YOURS");
    for (const socket of [socketA, socketB, socketC]) socket.close();
  });

  test("a group's photo: set by a member (only admins with onlyAdminsEdit), a system line, removed again", async () => {
    const { owner, members, group } = await groupOf(server, 1, "photo");
    const [b] = members as [SignedIn];
    const upload = async (user: SignedIn) => {
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(await solidImage("png"))], { type: "image/png" }), "photo.png");
      const response = await fetch(`${server.url}/api/groups/${group.id}/photo`, {
        method: "PUT",
        headers: { authorization: `Bearer ${user.tokens.accessToken}` },
        body: form,
      });
      return { status: response.status, body: await response.json() };
    };
    const set = await upload(b);
    assert.equal(set.status, 200);
    const card = GroupCard.parse(set.body);
    assert.ok(card.avatar);
    assert.equal((await fetch(`${server.url}${card.avatar.thumbUrl}`)).status, 200);
    assert.equal((await chatAs(owner, group.id)).group.avatar?.url, card.avatar.url);
    assert.equal((await historyOf(server, owner, group.id)).messages.at(-1)?.system?.event, "photo_changed");
    assert.equal((await groupsOf(server, owner).update(group.id, { settings: { onlyAdminsEdit: true } })).status, 200);
    assert.equal((await upload(b)).status, 403);
    assert.equal(ok(await groupsOf(server, owner).removePhoto(group.id), GroupCard).avatar, null);
  });

  test("a member who deletes their account leaves their groups first: the count and the admins stay right", async () => {
    const { owner, members, group } = await groupOf(server, 2, "gone");
    const [b] = members as [SignedIn, SignedIn];
    assert.equal((await call(server, "DELETE", "/api/users/me", { token: owner.tokens.accessToken })).status, 204);
    const info = await groupInfo(server, b, group.id);
    assert.equal(info.group.memberCount, 2);
    assert.equal(info.members.length, 2);
    assert.equal(info.members.filter((m) => m.role === "admin").length, 1, "the longest member took over");
    const socketB = await userSocket(server, b);
    assert.ok(await send(socketB, group.id, "still here"));
    socketB.close();
  });

  test("20 groups a person in any 24 hours; the 21st says when the next may be made", async () => {
    const [maker] = (await makeUsers(server, 1, "limit20")) as [SignedIn];
    for (let i = 0; i < 20; i++) assert.equal((await groupsOf(server, maker).create({ name: `G${i}`, memberIds: [] })).status, 200);
    const refused = await groupsOf(server, maker).create({ name: "one more", memberIds: [] });
    assert.equal(codeOf(refused), "GROUP_LIMIT");
    assert.deepEqual((refused.body as { error: { data: unknown } }).error.data, { max: 20, retryAfterMs: 24 * 60 * 60_000 });
  });

  test("a group holds at most 1,024 members; an add names at most 256", async () => {
    const { owner, group } = await groupOf(server, 0, "limit");
    const ids = Array.from({ length: 257 }, () => randomUUID());
    assert.equal(codeOf(await groupsOf(server, owner).add(group.id, ids)), "VALIDATION");
    assert.equal(codeOf(await groupsOf(server, owner).add(group.id, ids.slice(0, 3))), "GROUP_NOT_CONNECTED");
  });
});
