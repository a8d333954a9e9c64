import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { Blocks, QrPreview, SendContactRequestResponse } from "@easyqr/protocol";
import { codeOf, type SignedIn } from "./support/api.ts";
import { connect, connectionsOf, contactsOf, makeUsers, myQr, ok, requestByQr, requestsOf, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

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

/** What a reply looks like with the ids and times that differ between two users taken out. */
function shape(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body), (key, value: unknown) => (["id", "name", "username", "createdAt", "expiresAt"].includes(key) ? "·" : value));
}

describe("blocking", () => {
  test("blocking a connection ends it; the blocked side only sees a removal, never a block", async () => {
    const [a, b] = (await users(2, "blk")) as [SignedIn, SignedIn];
    await connect(server, a, b);
    const [socketA, socketB] = await Promise.all([userSocket(server, a), userSocket(server, b)]);
    assert.equal((await contactsOf(server, a).block(b.user.id)).status, 204);
    assert.equal((await socketA.next("CONNECTION_REMOVED")).userId, b.user.id);
    assert.equal((await socketA.next("BLOCK_ADDED")).user.id, b.user.id);
    assert.equal((await socketB.next("CONNECTION_REMOVED")).userId, a.user.id);
    assert.deepEqual(await connectionsOf(server, b), []);
    assert.deepEqual(
      ok(await contactsOf(server, a).blocks(), Blocks).users.map((u) => u.id),
      [b.user.id],
    );
    assert.equal((await contactsOf(server, a).block(b.user.id)).status, 204, "blocking twice is fine");
    // Make sure nothing else reached B: a marker event after everything above. What B got is what
    // any removal sends: the removal, and A's card as a stranger sees it (for a chat that still shows it).
    await contactsOf(server, b).request({ username: a.user.username ?? "" });
    await socketB.next("CONTACT_REQUEST_ADDED");
    assert.deepEqual(
      socketB.events.map((e) => e.type).filter((t) => t !== "PRESENCE"),
      ["AUTHENTICATED", "CONNECTION_REMOVED", "PROFILE_UPDATED", "CONTACT_REQUEST_ADDED"],
    );
    socketA.close();
    socketB.close();
  });

  test("a blocked user's request seems to go through, exactly as any other; the blocker never sees it", async () => {
    const [a, b, c] = (await users(3, "silent")) as [SignedIn, SignedIn, SignedIn];
    assert.equal((await contactsOf(server, a).block(b.user.id)).status, 204);
    const socketA = await userSocket(server, a);
    const toBlocker = await contactsOf(server, b).request({ token: (await myQr(server, a)).token });
    const toOther = await contactsOf(server, b).request({ token: (await myQr(server, c)).token });
    assert.equal(toBlocker.status, toOther.status);
    assert.deepEqual(shape(toBlocker.body), shape(toOther.body));
    assert.equal(ok(toBlocker, SendContactRequestResponse).outcome, "requested");
    assert.equal((await requestsOf(server, b)).outgoing.length, 2, "both look pending to the sender");
    assert.deepEqual((await requestsOf(server, a)).incoming, [], "the blocker never sees it");
    assert.equal(codeOf(await contactsOf(server, b).request({ username: a.user.username ?? "" })), "CONTACT_REQUEST_PENDING", "asking again: the usual answer");
    assert.equal(ok(await contactsOf(server, b).preview((await myQr(server, a)).token), QrPreview).relation, "outgoing");
    // The blocker's socket got nothing: a marker event shows the queue.
    await contactsOf(server, a).block(c.user.id);
    await socketA.next("BLOCK_ADDED");
    assert.deepEqual(
      socketA.events.map((e) => e.type),
      ["AUTHENTICATED", "BLOCK_ADDED"],
    );
    socketA.close();
  });

  test("the blocker gets CONTACT_BLOCKED when asking the blocked user; the preview says `blocked`", async () => {
    const [a, b] = (await users(2, "blocker")) as [SignedIn, SignedIn];
    await contactsOf(server, a).block(b.user.id);
    const reply = await contactsOf(server, a).request({ username: b.user.username ?? "" });
    assert.equal(reply.status, 409);
    assert.equal(codeOf(reply), "CONTACT_BLOCKED");
    assert.equal(ok(await contactsOf(server, a).preview((await myQr(server, b)).token), QrPreview).relation, "blocked");
  });

  test("blocking withdraws your pending request to them and hides theirs to you (it stays pending to them)", async () => {
    const [a, b, c] = (await users(3, "pend")) as [SignedIn, SignedIn, SignedIn];
    const mine = await requestByQr(server, a, b);
    const theirs = await requestByQr(server, c, a);
    const [socketA, socketB, socketC] = await Promise.all([userSocket(server, a), userSocket(server, b), userSocket(server, c)]);
    await contactsOf(server, a).block(b.user.id);
    await contactsOf(server, a).block(c.user.id);
    const cancelled = await socketB.next("CONTACT_REQUEST_REMOVED");
    assert.deepEqual([cancelled.requestId, cancelled.reason], [mine, "cancelled"]);
    const hidden = await socketA.next("CONTACT_REQUEST_REMOVED", 3000, (e) => e.requestId === theirs);
    assert.equal(hidden.reason, "declined");
    assert.deepEqual(await requestsOf(server, a), { incoming: [], outgoing: [] });
    assert.deepEqual(
      (await requestsOf(server, c)).outgoing.map((r) => r.id),
      [theirs],
    );
    assert.equal(socketC.count("CONTACT_REQUEST_REMOVED"), 0);
    socketA.close();
    socketB.close();
    socketC.close();
  });

  test("unblocking brings nothing back; asking them then meets their hidden request and connects", async () => {
    const [a, b] = (await users(2, "unblk")) as [SignedIn, SignedIn];
    await contactsOf(server, a).block(b.user.id);
    await requestByQr(server, b, a);
    const socketA = await userSocket(server, a);
    assert.equal((await contactsOf(server, a).unblock(b.user.id)).status, 204);
    assert.equal((await socketA.next("BLOCK_REMOVED")).userId, b.user.id);
    assert.equal((await contactsOf(server, a).unblock(b.user.id)).status, 204, "unblocking twice is fine");
    assert.deepEqual(ok(await contactsOf(server, a).blocks(), Blocks).users, []);
    assert.deepEqual((await requestsOf(server, a)).incoming, [], "requests made while blocked stay hidden");
    const back = ok(await contactsOf(server, a).request({ username: b.user.username ?? "" }), SendContactRequestResponse);
    assert.equal(back.outcome, "connected");
    assert.deepEqual(
      (await connectionsOf(server, b)).map((c) => c.user.id),
      [a.user.id],
    );
    socketA.close();
  });

  test("blocking back someone who blocked you withdraws your hidden request; they still learn nothing", async () => {
    const [a, b] = (await users(2, "mutual")) as [SignedIn, SignedIn];
    await contactsOf(server, a).block(b.user.id);
    const hidden = await requestByQr(server, b, a);
    const [socketA, socketB] = await Promise.all([userSocket(server, a), userSocket(server, b)]);
    assert.equal((await contactsOf(server, b).block(a.user.id)).status, 204);
    const withdrawn = await socketB.next("CONTACT_REQUEST_REMOVED");
    assert.deepEqual([withdrawn.requestId, withdrawn.reason], [hidden, "cancelled"]);
    await socketB.next("BLOCK_ADDED");
    assert.deepEqual((await requestsOf(server, b)).outgoing, []);
    await contactsOf(server, a).unblock(b.user.id);
    await socketA.next("BLOCK_REMOVED");
    assert.deepEqual(
      socketA.events.map((e) => e.type),
      ["AUTHENTICATED", "BLOCK_REMOVED"],
    );
    socketA.close();
    socketB.close();
  });

  test("blocking yourself is CONTACT_SELF; blocking nobody is USER_NOT_FOUND", async () => {
    const [a] = (await users(1, "odd")) as [SignedIn];
    assert.equal(codeOf(await contactsOf(server, a).block(a.user.id)), "CONTACT_SELF");
    assert.equal(codeOf(await contactsOf(server, a).block(randomUUID())), "USER_NOT_FOUND");
  });
});

describe("authorization", () => {
  test("profile details and presence of anyone but a connection answer exactly as for a user who does not exist", async () => {
    const [me, friend, stranger, blocked, blocker, former] = (await users(6, "authz")) as [SignedIn, SignedIn, SignedIn, SignedIn, SignedIn, SignedIn];
    await connect(server, me, friend);
    await connect(server, me, former);
    await contactsOf(server, me).remove(former.user.id);
    await contactsOf(server, me).block(blocked.user.id);
    await contactsOf(server, blocker).block(me.user.id);
    await requestByQr(server, stranger, me);

    assert.equal((await contactsOf(server, me).connection(friend.user.id)).status, 200);
    const nobody = await contactsOf(server, me).connection(randomUUID());
    assert.equal(nobody.status, 404);
    assert.equal(codeOf(nobody), "USER_NOT_FOUND");
    for (const [who, user] of Object.entries({ stranger, blocked, blocker, former })) {
      for (const [viewer, subject] of [
        [me, user],
        [user, me],
      ] as const) {
        const reply = await contactsOf(server, viewer).connection(subject.user.id);
        assert.equal(reply.status, nobody.status, who);
        assert.deepEqual(reply.body, nobody.body, who);
      }
    }
    assert.deepEqual(
      (await connectionsOf(server, me)).map((c) => c.user.id),
      [friend.user.id],
    );
    assert.deepEqual(await connectionsOf(server, stranger), []);
  });
});
