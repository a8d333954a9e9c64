import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Blocks, type BioVisibility, Connection, type ContactCard, Me, PublicUser, QrPreview, SendContactRequestResponse } from "@easyqr/protocol";
import { call, type SignedIn } from "./support/api.ts";
import { asDirect, chatList, chatOf, openChat, send } from "./support/chat.ts";
import type { TestSocket } from "./support/client.ts";
import { connect, connectionsOf, contactsOf, makeUsers, myQr, ok, requestByQr, requestsOf, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

const BIO = "Collects antique compasses";
let server: TestServer;
before(
  async () =>
    (server = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: roomyContactLimits,
    })),
);
after(() => server.close());

async function users(count: number, base: string): Promise<SignedIn[]> {
  const made = await makeUsers(server, count, base);
  if (made.length !== count) throw new Error("users");
  return made;
}

async function patchMe(user: SignedIn, body: { bio?: string | null; bioVisibility?: BioVisibility; name?: string }): Promise<Me> {
  return ok(await call(server, "PATCH", "/api/users/me", { token: user.tokens.accessToken, body }), Me);
}

async function byUsername(viewer: SignedIn, subject: SignedIn): Promise<PublicUser> {
  return ok(await call(server, "GET", `/api/users/by-username/${subject.user.username ?? ""}`, { token: viewer.tokens.accessToken }), PublicUser);
}

/** The owner (with a bio), a stranger, a connection, and a user the owner blocked. */
async function cast(base: string) {
  const [owner, stranger, friend, blocked] = (await users(4, base)) as [SignedIn, SignedIn, SignedIn, SignedIn];
  await patchMe(owner, { bio: BIO });
  await connect(server, owner, friend);
  assert.equal((await contactsOf(server, owner).block(blocked.user.id)).status, 204);
  return { owner, stranger, friend, blocked };
}

/** Proves everything sent to a socket before now has arrived: PING, then its ACK. */
async function drained(socket: TestSocket, id: string): Promise<void> {
  socket.send({ type: "PING", id });
  await socket.next("ACK", 3000, (e) => e.id === id);
}

const profileUpdates = (socket: TestSocket, userId: string): (string | null)[] =>
  socket.events.flatMap((e) => (e.type === "PROFILE_UPDATED" && e.user.id === userId ? [e.user.bio] : []));

describe("who sees the bio", () => {
  test("by username: the owner and connections see it; strangers and blocked users see name, username and avatar only", async () => {
    const { owner, stranger, friend, blocked } = await cast("byname");
    const me = ok(await call(server, "GET", "/api/users/me", { token: owner.tokens.accessToken }), Me);
    assert.equal(me.bioVisibility, "connections", "the default");

    const seen = await byUsername(stranger, owner);
    assert.deepEqual(seen, { id: owner.user.id, name: owner.user.name, username: owner.user.username, bio: null, avatar: null });
    assert.ok(!JSON.stringify(seen).includes(owner.email), "no email either");
    assert.equal((await byUsername(blocked, owner)).bio, null);
    assert.equal((await byUsername(friend, owner)).bio, BIO);
    assert.equal((await byUsername(owner, owner)).bio, BIO);

    assert.equal((await patchMe(owner, { bioVisibility: "everyone" })).bioVisibility, "everyone");
    assert.equal((await byUsername(stranger, owner)).bio, BIO);
    assert.equal((await byUsername(blocked, owner)).bio, BIO, "a blocked user is answered as any stranger (the block stays silent)");
    assert.equal((await byUsername(friend, owner)).bio, BIO);

    await patchMe(owner, { bioVisibility: "connections" });
    assert.equal((await byUsername(stranger, owner)).bio, null);
    assert.equal((await byUsername(friend, owner)).bio, BIO);
  });

  test("a scanned QR, requests (lists and events) and the blocked list show a stranger's card; shared with everyone they carry the bio", async () => {
    for (const visibility of ["connections", "everyone"] as const) {
      const [owner, scanner, asked] = (await users(3, `cards${visibility}`)) as [SignedIn, SignedIn, SignedIn];
      await patchMe(owner, { bio: BIO, bioVisibility: visibility });
      const expected = visibility === "everyone" ? BIO : null;
      const [scannerSocket, askedSocket] = await Promise.all([userSocket(server, scanner), userSocket(server, asked)]);

      const qr = await myQr(server, owner);
      const preview = ok(await contactsOf(server, scanner).preview(qr.token), QrPreview);
      assert.equal(preview.user.bio, expected, `QR preview (${visibility})`);
      const sent = ok(await contactsOf(server, scanner).request({ token: qr.token }), SendContactRequestResponse);
      assert.equal(sent.outcome === "requested" ? sent.request.user.bio : "connected", expected, "the answer to a request");
      assert.equal((await scannerSocket.next("CONTACT_REQUEST_ADDED")).request.user.bio, expected, "outgoing request event");
      assert.equal((await requestsOf(server, scanner)).outgoing[0]?.user.bio, expected, "outgoing request list");

      await requestByQr(server, owner, asked);
      assert.equal((await askedSocket.next("CONTACT_REQUEST_ADDED")).request.user.bio, expected, "incoming request event");
      assert.equal((await requestsOf(server, asked)).incoming[0]?.user.bio, expected, "incoming request list");

      assert.equal((await contactsOf(server, asked).block(owner.user.id)).status, 204);
      assert.equal((await askedSocket.next("BLOCK_ADDED")).user.bio, expected, "block event");
      assert.equal(ok(await contactsOf(server, asked).blocks(), Blocks).users[0]?.bio, expected, "blocked list");
      scannerSocket.close();
      askedSocket.close();
    }
  });

  test("connections see the bio in every place, whatever the setting: preview, list, one connection, the event, the chat", async () => {
    const [owner, friend] = (await users(2, "conn")) as [SignedIn, SignedIn];
    await patchMe(owner, { bio: BIO });
    const socket = await userSocket(server, friend);
    const made = await connect(server, friend, owner);
    assert.equal(made.user.bio, BIO, "the accept's answer");
    assert.equal((await socket.next("CONNECTION_ADDED")).connection.user.bio, BIO, "CONNECTION_ADDED");
    assert.equal((await connectionsOf(server, friend))[0]?.user.bio, BIO, "the list");
    assert.equal(ok(await contactsOf(server, friend).connection(owner.user.id), Connection).user.bio, BIO, "one connection");
    assert.equal(ok(await contactsOf(server, friend).preview((await myQr(server, owner)).token), QrPreview).user.bio, BIO, "a preview of a connection's QR");
    const chat = await openChat(server, friend, owner);
    assert.equal(chat.peer.bio, BIO, "the chat's peer card");
    socket.close();
  });

  test("a chat with a former connection shows the card a stranger sees", async () => {
    for (const visibility of ["connections", "everyone"] as const) {
      const [owner, peer] = (await users(2, `chat${visibility}`)) as [SignedIn, SignedIn];
      await patchMe(owner, { bio: BIO, bioVisibility: visibility });
      await connect(server, owner, peer);
      const chat = await openChat(server, peer, owner);
      const socket = await userSocket(server, peer);
      await send(socket, chat.id, "hello");
      assert.equal(chat.peer.bio, BIO);
      assert.equal(asDirect((await chatList(server, peer)).chats.find((c) => c.id === chat.id)).peer.bio, BIO);
      assert.equal((await contactsOf(server, owner).remove(peer.user.id)).status, 204);
      const expected = visibility === "everyone" ? BIO : null;
      const after = asDirect(await chatOf(server, peer, chat.id));
      assert.equal(after.connected, false);
      assert.equal(after.peer.bio, expected, `one chat (${visibility})`);
      assert.equal(asDirect((await chatList(server, peer)).chats.find((c) => c.id === chat.id)).peer.bio, expected, `the chat list (${visibility})`);
      socket.close();
    }
  });
});

describe("profile changes are pushed", () => {
  test("changing who sees the bio: requesters gain and lose it live, connections keep it, nobody else hears", async () => {
    const [owner, friend, requester, asked, outsider, hider] = (await users(6, "push")) as [SignedIn, SignedIn, SignedIn, SignedIn, SignedIn, SignedIn];
    await patchMe(owner, { bio: BIO });
    await connect(server, owner, friend);
    await requestByQr(server, requester, owner);
    await requestByQr(server, owner, asked);
    // The hider blocked the owner: the owner's request to them is hidden, so they hold no card of the owner.
    assert.equal((await contactsOf(server, hider).block(owner.user.id)).status, 204);
    await contactsOf(server, owner).request({ username: hider.user.username ?? "" });
    const sockets = {
      friend: await userSocket(server, friend),
      requester: await userSocket(server, requester),
      asked: await userSocket(server, asked),
      outsider: await userSocket(server, outsider),
      hider: await userSocket(server, hider),
    };

    await patchMe(owner, { bioVisibility: "everyone" });
    const everyone = async (socket: TestSocket) => (await socket.next("PROFILE_UPDATED", 3000, (e) => e.user.id === owner.user.id)).user;
    assert.equal((await everyone(sockets.friend)).bio, BIO);
    assert.equal((await everyone(sockets.requester)).bio, BIO, "the requester gains the bio");
    const card: ContactCard = await everyone(sockets.asked);
    assert.deepEqual(card, { id: owner.user.id, name: owner.user.name, username: owner.user.username, bio: BIO, avatar: null });

    await patchMe(owner, { bioVisibility: "connections" });
    assert.equal((await everyone(sockets.friend)).bio, BIO, "connections keep it");
    assert.equal((await everyone(sockets.requester)).bio, null, "the requester loses it");
    assert.equal((await everyone(sockets.asked)).bio, null);

    await patchMe(owner, { bio: "New bio" });
    assert.equal((await everyone(sockets.friend)).bio, "New bio");
    assert.equal((await everyone(sockets.requester)).bio, null, "a stranger learns nothing of the new bio");

    await patchMe(owner, { bio: "New bio", bioVisibility: "connections" });
    for (const [name, socket] of Object.entries(sockets)) await drained(socket, `drain-${name}`);
    assert.deepEqual(profileUpdates(sockets.friend, owner.user.id), [BIO, BIO, "New bio"], "a change of nothing pushes nothing");
    assert.deepEqual(profileUpdates(sockets.outsider, owner.user.id), []);
    assert.deepEqual(profileUpdates(sockets.hider, owner.user.id), [], "a request hidden by a block carries no updates");
    for (const socket of Object.values(sockets)) socket.close();
  });

  test("a connection removed or blocked loses the bio live; becoming a connection brings it", async () => {
    for (const end of ["remove", "block"] as const) {
      const [owner, friend] = (await users(2, `end${end}`)) as [SignedIn, SignedIn];
      await patchMe(owner, { bio: BIO });
      await patchMe(friend, { bio: "Friend bio" });
      const [ownerSocket, friendSocket] = await Promise.all([userSocket(server, owner), userSocket(server, friend)]);
      await connect(server, owner, friend);
      assert.equal((await friendSocket.next("CONNECTION_ADDED")).connection.user.bio, BIO);
      assert.equal((await ownerSocket.next("CONNECTION_ADDED")).connection.user.bio, "Friend bio");

      const reply = end === "remove" ? await contactsOf(server, owner).remove(friend.user.id) : await contactsOf(server, owner).block(friend.user.id);
      assert.equal(reply.status, 204);
      assert.equal((await friendSocket.next("CONNECTION_REMOVED")).userId, owner.user.id);
      assert.deepEqual((await friendSocket.next("PROFILE_UPDATED")).user, {
        id: owner.user.id,
        name: owner.user.name,
        username: owner.user.username,
        bio: null,
        avatar: null,
      });
      assert.equal((await ownerSocket.next("PROFILE_UPDATED")).user.bio, null);
      ownerSocket.close();
      friendSocket.close();
    }
  });
});
