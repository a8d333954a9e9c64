import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { Connection, SendContactRequestResponse } from "@easyqr/protocol";
import { pairOf } from "../src/access/checks.ts";
import { call, codeOf, type SignedIn } from "./support/api.ts";
import { connect, connectionsOf, contactsOf, makeUsers, myQr, ok, requestByQr, requestsOf, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000 }, contactLimits: roomyContactLimits })));
after(() => server.close());

async function two(base: string): Promise<[SignedIn, SignedIn]> {
  const [a, b] = await makeUsers(server, 2, base);
  if (!a || !b) throw new Error("users");
  return [a, b];
}

/** Rows of the connections table for this pair: never more than one. */
async function connectionRows(a: SignedIn, b: SignedIn): Promise<number> {
  const { userLow, userHigh } = pairOf(a.user.id, b.user.id);
  const rows = await server.app.database.db
    .selectFrom("connections")
    .select("createdAt")
    .where("userLow", "=", userLow)
    .where("userHigh", "=", userHigh)
    .execute();
  return rows.length;
}

const send = (from: SignedIn, body: { token: string } | { username: string }) => contactsOf(server, from).request(body);

describe("requests", () => {
  test("add by username (any case) when there is no QR at hand; an unknown username is USERNAME_NOT_FOUND", async () => {
    const [a, b] = await two("byname");
    const sent = ok(await send(b, { username: (a.user.username ?? "").toUpperCase() }), SendContactRequestResponse);
    assert.equal(sent.outcome, "requested");
    assert.deepEqual(
      (await requestsOf(server, a)).incoming.map((r) => r.user.id),
      [b.user.id],
    );
    const missing = await send(b, { username: "nobody_by_that_name" });
    assert.equal(missing.status, 404);
    assert.equal(codeOf(missing), "USERNAME_NOT_FOUND");
  });

  test("asking twice is CONTACT_REQUEST_PENDING (409), by QR or by username", async () => {
    const [a, b] = await two("twice");
    await requestByQr(server, b, a);
    const qr = await myQr(server, a);
    for (const reply of [await send(b, { token: qr.token }), await send(b, { username: a.user.username ?? "" })]) {
      assert.equal(reply.status, 409);
      assert.equal(codeOf(reply), "CONTACT_REQUEST_PENDING");
    }
  });

  test("crossing requests: asking someone who already asked you accepts theirs; both sides are told live", async () => {
    const [a, b] = await two("cross");
    const [socketA, socketB] = await Promise.all([userSocket(server, a), userSocket(server, b)]);
    const first = await requestByQr(server, a, b);
    const crossing = ok(await send(b, { username: a.user.username ?? "" }), SendContactRequestResponse);
    assert.equal(crossing.outcome, "connected");
    if (crossing.outcome === "connected") assert.equal(crossing.connection.user.id, a.user.id);
    for (const socket of [socketA, socketB]) {
      const removed = await socket.next("CONTACT_REQUEST_REMOVED");
      assert.deepEqual([removed.requestId, removed.reason], [first, "accepted"]);
      await socket.next("CONNECTION_ADDED");
    }
    assert.equal(await connectionRows(a, b), 1);
    assert.deepEqual(await requestsOf(server, a), { incoming: [], outgoing: [] });
    socketA.close();
    socketB.close();
  });

  test("race: two users asking each other at the same moment end with exactly one connection", async () => {
    for (let round = 0; round < 8; round++) {
      const [a, b] = await two(`race${round}`);
      const replies = await Promise.all([send(a, { username: b.user.username ?? "" }), send(b, { username: a.user.username ?? "" })]);
      const outcomes = replies.map((r) => ok(r, SendContactRequestResponse).outcome).sort();
      assert.deepEqual(outcomes, ["connected", "requested"], `round ${round}`);
      assert.equal(await connectionRows(a, b), 1);
      assert.deepEqual(await requestsOf(server, a), { incoming: [], outgoing: [] });
      assert.deepEqual(
        (await connectionsOf(server, b)).map((c) => c.user.id),
        [a.user.id],
      );
    }
  });

  test("race: the same request accepted from several devices at once makes one connection; the others get CONTACT_REQUEST_NOT_FOUND", async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await two(`accept${round}`);
      const id = await requestByQr(server, b, a);
      const replies = await Promise.all(Array.from({ length: 4 }, () => contactsOf(server, a).accept(id)));
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 404, 404, 404]);
      for (const reply of replies.filter((r) => r.status === 404)) assert.equal(codeOf(reply), "CONTACT_REQUEST_NOT_FOUND");
      assert.equal(await connectionRows(a, b), 1);
    }
  });

  test("race: accepting while the other side asks back (crossing) still makes one connection", async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await two(`mix${round}`);
      const id = await requestByQr(server, b, a);
      const [accepted, askedBack] = await Promise.all([contactsOf(server, a).accept(id), send(a, { username: b.user.username ?? "" })]);
      const good = [accepted.status === 200, askedBack.status === 200 && ok(askedBack, SendContactRequestResponse).outcome === "connected"];
      assert.equal(good.filter(Boolean).length, 1, `${accepted.status} ${JSON.stringify(askedBack.body)}`);
      if (askedBack.status !== 200) assert.equal(codeOf(askedBack), "CONTACT_ALREADY_CONNECTED");
      assert.equal(await connectionRows(a, b), 1);
    }
  });

  test("declining tells the sender; they may ask again later", async () => {
    const [a, b] = await two("decline");
    const socketB = await userSocket(server, b);
    const id = await requestByQr(server, b, a);
    await socketB.next("CONTACT_REQUEST_ADDED");
    assert.equal((await contactsOf(server, a).decline(id)).status, 204);
    const removed = await socketB.next("CONTACT_REQUEST_REMOVED");
    assert.deepEqual([removed.requestId, removed.reason], [id, "declined"]);
    assert.deepEqual(await requestsOf(server, b), { incoming: [], outgoing: [] });
    assert.equal(await connectionRows(a, b), 0);
    assert.equal(codeOf(await contactsOf(server, a).accept(id)), "CONTACT_REQUEST_NOT_FOUND", "a declined request cannot be accepted");
    assert.equal(ok(await send(b, { username: a.user.username ?? "" }), SendContactRequestResponse).outcome, "requested");
    socketB.close();
  });

  test("cancelling tells the recipient; only the sender cancels, only the recipient accepts or declines", async () => {
    const [a, b] = await two("cancel");
    const [c] = await makeUsers(server, 1, "stranger");
    if (!c) throw new Error("users");
    const socketA = await userSocket(server, a);
    const id = await requestByQr(server, b, a);
    await socketA.next("CONTACT_REQUEST_ADDED");
    for (const reply of [
      await contactsOf(server, a).cancel(id),
      await contactsOf(server, b).accept(id),
      await contactsOf(server, b).decline(id),
      await contactsOf(server, c).accept(id),
      await contactsOf(server, c).decline(id),
      await contactsOf(server, c).cancel(id),
      await contactsOf(server, a).accept(randomUUID()),
    ]) {
      assert.equal(reply.status, 404);
      assert.equal(codeOf(reply), "CONTACT_REQUEST_NOT_FOUND");
    }
    assert.equal((await contactsOf(server, b).cancel(id)).status, 204);
    const removed = await socketA.next("CONTACT_REQUEST_REMOVED");
    assert.deepEqual([removed.requestId, removed.reason], [id, "cancelled"]);
    assert.deepEqual(await requestsOf(server, a), { incoming: [], outgoing: [] });
    assert.equal(codeOf(await contactsOf(server, a).accept(id)), "CONTACT_REQUEST_NOT_FOUND");
    assert.equal(codeOf(await call(server, "POST", "/api/contacts/requests/not-a-uuid/accept", { token: a.tokens.accessToken })), "VALIDATION");
    socketA.close();
  });

  test("removing a connection ends it for both, live; removing it again is USER_NOT_FOUND", async () => {
    const [a, b] = await two("remove");
    await connect(server, a, b);
    const [socketA, socketB] = await Promise.all([userSocket(server, a), userSocket(server, b)]);
    assert.equal((await contactsOf(server, b).remove(a.user.id)).status, 204);
    assert.equal((await socketA.next("CONNECTION_REMOVED")).userId, b.user.id);
    assert.equal((await socketB.next("CONNECTION_REMOVED")).userId, a.user.id);
    assert.deepEqual(await connectionsOf(server, a), []);
    assert.equal(codeOf(await contactsOf(server, a).remove(b.user.id)), "USER_NOT_FOUND");
    assert.equal(codeOf(await contactsOf(server, a).connection(b.user.id)), "USER_NOT_FOUND");
    assert.equal(ok(await send(a, { username: b.user.username ?? "" }), SendContactRequestResponse).outcome, "requested", "they may connect again");
    socketA.close();
    socketB.close();
  });

  test("connections list and one connection show the profile (with bio) and presence", async () => {
    const [a, b] = await two("listing");
    await call(server, "PATCH", "/api/users/me", { token: b.tokens.accessToken, body: { bio: "hello there" } });
    await connect(server, a, b);
    const [listed] = await connectionsOf(server, a);
    assert.equal(listed?.user.bio, "hello there");
    assert.deepEqual(listed?.presence, { online: false, lastSeen: null });
    assert.deepEqual(ok(await contactsOf(server, a).connection(b.user.id), Connection), listed);
  });

  test("deleting an account ends its connections and requests; the other sides are told", async () => {
    const [a, b] = await two("gone");
    const [c] = await makeUsers(server, 1, "asker");
    if (!c) throw new Error("users");
    await connect(server, a, b);
    const pending = await requestByQr(server, c, a);
    const [socketB, socketC] = await Promise.all([userSocket(server, b), userSocket(server, c)]);
    assert.equal((await call(server, "DELETE", "/api/users/me", { token: a.tokens.accessToken })).status, 204);
    assert.equal((await socketB.next("CONNECTION_REMOVED")).userId, a.user.id);
    assert.equal((await socketC.next("CONTACT_REQUEST_REMOVED")).requestId, pending);
    assert.deepEqual(await connectionsOf(server, b), []);
    assert.deepEqual(await requestsOf(server, c), { incoming: [], outgoing: [] });
    socketB.close();
    socketC.close();
  });
});

describe("rate limits", () => {
  test("requests per user and per pair are limited (429 RATE_LIMITED with Retry-After)", async () => {
    const limited = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: { ...roomyContactLimits, requestsPerUser: 3, requestsPerUserWindowMs: 10 * 60_000, requestsPerPair: 2 },
    });
    try {
      const [sender, target, ...others] = await makeUsers(limited, 5, "limit");
      if (!sender || !target) throw new Error("users");
      const to = (user: SignedIn | undefined) => contactsOf(limited, sender).request({ username: user?.user.username ?? "" });
      const first = ok(await to(target), SendContactRequestResponse);
      if (first.outcome !== "requested") throw new Error("expected a request");
      await contactsOf(limited, sender).cancel(first.request.id);
      assert.equal((await to(target)).status, 200, "second to the same person");
      const third = await to(target);
      assert.equal(third.status, 429, "a third to the same person within the day");
      assert.equal(codeOf(third), "RATE_LIMITED");
      assert.ok(Number(third.headers.get("retry-after")) > 0);
      assert.equal((await to(others[0])).status, 200, "the third request overall");
      const fourth = await to(others[1]);
      assert.equal(fourth.status, 429, "a fourth within the window, to anyone");
      limited.clock.advance(10 * 60_000);
      assert.equal((await to(others[1])).status, 200, "the window slides");
    } finally {
      await limited.close();
    }
  });
});
