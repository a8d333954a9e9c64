import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { INVITE_TTL_MS, InvitePreview, InviteState, JoinRequests, SearchPage } from "@easyqr/protocol";
import { call, codeOf, type SignedIn } from "./support/api.ts";
import { historyOf, send } from "./support/chat.ts";
import { makeUsers, ok, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { asGroup, groupInfo, groupOf, groupsOf, inviteOf, joinBy } from "./support/groups.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000 }, contactLimits: roomyContactLimits })));
after(() => server.close());

describe("joining a group by its QR", () => {
  test("without approval: anyone signed in previews and joins, once; the members hear of it", async () => {
    const { owner, group } = await groupOf(server, 1, "qr");
    const [stranger] = (await makeUsers(server, 1, "qrjoin")) as [SignedIn];
    const socketOwner = await userSocket(server, owner);
    const socketJoiner = await userSocket(server, stranger);
    const invite = await inviteOf(server, owner, group.id);
    assert.match(invite.url, /\/join#t=[A-Za-z0-9_-]{22}$/);
    assert.equal(invite.expiresAt, server.clock.now() + INVITE_TTL_MS);
    assert.equal(ok(await groupsOf(server, owner).invite(group.id), InviteState).invite?.token, invite.token, "an admin sees the live link again");

    const preview = ok(await groupsOf(server, stranger).preview(invite.token), InvitePreview);
    assert.deepEqual([preview.chatId, preview.name, preview.memberCount, preview.status, preview.needsApproval], [group.id, "Team", 2, "none", false]);
    assert.deepEqual(await joinBy(server, stranger, invite.token), { chatId: group.id, status: "joined" });
    const membership = await socketJoiner.next("GROUP_MEMBERSHIP");
    assert.equal(asGroup(membership.chat).role, "member");
    const line = await socketOwner.next("MESSAGE", 3000, (e) => e.message.system?.event === "joined");
    assert.equal(line.message.senderId, stranger.user.id);
    assert.equal((await socketOwner.next("GROUP_UPDATED")).group.memberCount, 3);
    assert.deepEqual(await joinBy(server, stranger, invite.token), { chatId: group.id, status: "joined" }, "joining again changes nothing");
    assert.equal((await groupInfo(server, owner, group.id)).members.length, 3);
    assert.equal(ok(await groupsOf(server, stranger).preview(invite.token), InvitePreview).status, "member");
    const hello = await send(socketJoiner, group.id, "hi all");
    assert.equal((await socketOwner.next("MESSAGE", 3000, (e) => e.message.id === hello.id)).message.text, "hi all");
    // The joiner sees from their joining on.
    const seen = (await historyOf(server, stranger, group.id)).messages.map((m) => m.system?.event ?? m.text);
    assert.deepEqual(seen, ["joined", "hi all"]);
    socketOwner.close();
    socketJoiner.close();
  });

  test("with approval: a request the admins see, approve or deny", async () => {
    const { owner, members, group } = await groupOf(server, 1, "approve");
    const [member] = members as [SignedIn];
    const [asker, denied] = (await makeUsers(server, 2, "asker")) as [SignedIn, SignedIn];
    const socketOwner = await userSocket(server, owner);
    const invite = await inviteOf(server, owner, group.id, true);
    assert.deepEqual(await joinBy(server, asker, invite.token), { chatId: group.id, status: "requested" });
    assert.equal((await socketOwner.next("GROUP_JOIN_REQUESTS")).pending, 1);
    server.clock.advance(1);
    assert.deepEqual(await joinBy(server, denied, invite.token), { chatId: group.id, status: "requested" });
    assert.equal(ok(await groupsOf(server, asker).preview(invite.token), InvitePreview).status, "requested");
    assert.equal(codeOf(await groupsOf(server, asker).info(group.id)), "CHAT_NOT_FOUND", "asking is not being in");
    assert.equal(codeOf(await groupsOf(server, member).requests(group.id)), "NOT_GROUP_ADMIN");
    const requests = ok(await groupsOf(server, owner).requests(group.id), JoinRequests);
    assert.deepEqual(
      requests.requests.map((r) => r.user.id),
      [asker.user.id, denied.user.id],
    );
    assert.equal((await groupInfo(server, owner, group.id)).pendingRequests, 2);

    assert.equal((await groupsOf(server, owner).approve(group.id, asker.user.id)).status, 204);
    assert.equal(codeOf(await groupsOf(server, owner).approve(group.id, asker.user.id)), "GROUP_JOIN_REQUEST_NOT_FOUND");
    const joined = (await historyOf(server, asker, group.id)).messages.at(-1)?.system;
    assert.equal(joined?.event, "joined");
    assert.equal(joined.event === "joined" ? joined.approvedBy?.id : undefined, owner.user.id);
    assert.equal((await groupsOf(server, owner).deny(group.id, denied.user.id)).status, 204);
    assert.equal(codeOf(await groupsOf(server, owner).deny(group.id, denied.user.id)), "GROUP_JOIN_REQUEST_NOT_FOUND");
    assert.equal(codeOf(await groupsOf(server, denied).info(group.id)), "CHAT_NOT_FOUND");
    assert.deepEqual((await groupInfo(server, owner, group.id)).members.map((m) => m.user.id).sort(), [owner.user.id, member.user.id, asker.user.id].sort());
    socketOwner.close();
  });

  test("a rotated or revoked link stops working; a made-up one was never one", async () => {
    const { owner, group } = await groupOf(server, 0, "rotate");
    const [late] = (await makeUsers(server, 1, "late")) as [SignedIn];
    const first = await inviteOf(server, owner, group.id);
    const second = await inviteOf(server, owner, group.id);
    assert.notEqual(first.token, second.token);
    assert.equal(codeOf(await groupsOf(server, late).preview(first.token)), "INVITE_REVOKED");
    assert.equal(codeOf(await groupsOf(server, late).join(first.token)), "INVITE_REVOKED");
    assert.equal((await groupsOf(server, owner).revokeInvite(group.id)).status, 204);
    assert.equal(codeOf(await groupsOf(server, late).join(second.token)), "INVITE_REVOKED");
    assert.equal(ok(await groupsOf(server, owner).invite(group.id), InviteState).invite, null);
    assert.equal(codeOf(await groupsOf(server, late).join("AAAAAAAAAAAAAAAAAAAAAA")), "INVITE_INVALID");
    assert.equal(codeOf(await groupsOf(server, late).join("not a token!")), "VALIDATION");
    assert.equal(codeOf(await groupsOf(server, late).info(group.id)), "CHAT_NOT_FOUND");
  });

  test("search finds a group's messages only for who was in it when they were sent", async () => {
    const { owner, members, group } = await groupOf(server, 1, "search");
    const [member] = members as [SignedIn];
    const [joiner] = (await makeUsers(server, 1, "searchjoin")) as [SignedIn];
    const socket = await userSocket(server, owner);
    await send(socket, group.id, "quokka before");
    const invite = await inviteOf(server, owner, group.id);
    await joinBy(server, joiner, invite.token);
    await send(socket, group.id, "quokka after");
    const hits = async (user: SignedIn) =>
      ok(await call(server, "GET", "/api/search/messages?q=quokka", { token: user.tokens.accessToken }), SearchPage).hits.map((h) => h.snippet.text);
    assert.deepEqual((await hits(member)).sort(), ["quokka after", "quokka before"]);
    assert.deepEqual(await hits(joiner), ["quokka after"]);
    socket.close();
  });

  test("a link expires", async () => {
    const { owner, group } = await groupOf(server, 0, "expire");
    const invite = await inviteOf(server, owner, group.id);
    server.clock.advance(INVITE_TTL_MS);
    // Signed in after the jump (the earlier access tokens have expired with it).
    const [late] = (await makeUsers(server, 1, "expired")) as [SignedIn];
    assert.equal(codeOf(await groupsOf(server, late).preview(invite.token)), "INVITE_EXPIRED");
    assert.equal(codeOf(await groupsOf(server, late).join(invite.token)), "INVITE_EXPIRED");
  });
});
