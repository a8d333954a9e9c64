import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { defaultPresenceLimits } from "../src/presence/limits.ts";
import { codeOf, signIn } from "./support/api.ts";
import { createSession, TestSocket } from "./support/client.ts";
import { connect, connectionsOf, eventually, makeUsers, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { approve, claim, openLink, redeem } from "./support/linking.ts";
import { keysUnder, testRedisUrl } from "./support/redis.ts";

// Two nodes of one cluster in this process: the same database and clock, one Redis under a key
// prefix of this run. What crosses nodes here is what the shared stores make true (presence, a
// session's state, a spent token or ticket, counted attempts); events between nodes are the bus's
// (issue 17, another part), so each event asserted below is sent by the node holding the socket.
const prefix = `test:${randomBytes(6).toString("hex")}:`;
const env = { REDIS_URL: testRedisUrl, REDIS_PREFIX: prefix };
const options = { env, authLimits: { sendsPerIp: 10_000 }, linkLimits: { claimsPerAccountPerMinute: 6 } };
const LEASE = defaultPresenceLimits.leaseTtlMs;
let nodeA: TestServer;
let nodeB: TestServer;

before(async () => {
  nodeA = await startServer(options);
  nodeB = await startServer({ ...options, nodeOf: nodeA });
});
after(async () => {
  await nodeB.close();
  await nodeA.close();
  const redis = new Redis(testRedisUrl);
  const left = await keysUnder(redis, prefix);
  if (left.length > 0) await redis.del(...left);
  await redis.quit();
});

/** Proves a socket is alive (what a client's keep-alive does), so its node renews its lease from now. */
async function ping(socket: TestSocket, id: string): Promise<void> {
  socket.send({ type: "PING", id });
  await socket.next("ACK", 3000, (e) => e.id === id);
}

const onlineSeenFrom = async (node: TestServer, viewer: Parameters<typeof connectionsOf>[1]) => (await connectionsOf(node, viewer))[0]?.presence.online;

describe("presence across nodes", () => {
  test("a user whose only socket is on node B is online as node A sees it, and offline once it closes", async () => {
    const [a, b] = await makeUsers(nodeA, 2, "cluster");
    if (!a || !b) throw new Error("users");
    await connect(nodeA, a, b);
    const watcher = await userSocket(nodeA, a);
    const phone = await userSocket(nodeB, b);
    await eventually(async () => (await onlineSeenFrom(nodeA, a)) === true, "node A to see b online");
    phone.close();
    await eventually(() => nodeB.app.presence.sockets === 0, "node B to let the socket go");
    nodeA.clock.advance(defaultPresenceLimits.graceMs);
    await ping(watcher, "p1");
    await nodeA.app.presence.tick();
    const offline = await watcher.next("PRESENCE", 3000, (e) => e.userId === b.user.id && !e.presence.online);
    assert.equal(offline.presence.online, false);
    assert.equal(await onlineSeenFrom(nodeA, a), false);
    watcher.close();
  });

  test("a node that dies (its Redis connection cut, nothing cleaned up) takes its users offline after the lease time", async () => {
    const nodeC = await startServer({ ...options, nodeOf: nodeA });
    try {
      const [a, b] = await makeUsers(nodeA, 2, "dying");
      if (!a || !b) throw new Error("users");
      await connect(nodeA, a, b);
      const watcher = await userSocket(nodeA, a);
      const heardAt = nodeA.clock.now();
      const onDyingNode = await userSocket(nodeC, b);
      await eventually(async () => (await onlineSeenFrom(nodeA, a)) === true, "node A to see b online");

      nodeC.app.shared.redis?.disconnect();
      await assert.rejects(nodeC.app.presence.tick(), "the dead node renews nothing");
      assert.ok(LEASE + defaultPresenceLimits.tickMs <= 45_000, "the lease keeps issue 17's bound of 45 s");
      nodeA.clock.advance(LEASE - 1);
      await ping(watcher, "d1");
      await nodeA.app.presence.tick();
      assert.equal(await onlineSeenFrom(nodeA, a), true, "online until the lease runs out");
      nodeA.clock.advance(1);
      await ping(watcher, "d2");
      await nodeA.app.presence.tick();
      const offline = await watcher.next("PRESENCE", 3000, (e) => e.userId === b.user.id && !e.presence.online);
      assert.deepEqual(offline.presence, { online: false, lastSeen: heardAt });
      onDyingNode.close();
      watcher.close();
    } finally {
      await nodeC.close();
    }
  });
});

describe("pairing across nodes", () => {
  test("a session made on node A is redeemed through node B: both nodes see it connected, and the token is spent for both", async () => {
    const session = await createSession(nodeA.url);
    const desktop = await TestSocket.hello(nodeA.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    await desktop.next("WAITING");
    const phone = await TestSocket.hello(nodeB.url, { sessionId: session.sessionId, token: session.token, device: { name: "Phone", platform: "test" } });
    assert.equal((await phone.next("CONNECTED")).desktopOnline, true, "node B knows the desktop on node A is there");
    const stored = await nodeA.app.shared.pairing.get(session.sessionId);
    assert.equal(stored?.status, "CONNECTED");
    assert.deepEqual(
      stored?.phones.map((p) => [p.device?.name, p.sockets]),
      [["Phone", 1]],
    );
    assert.equal(stored?.desktopSockets, 1);
    const replay = await TestSocket.hello(nodeA.url, { sessionId: session.sessionId, token: session.token });
    assert.equal(await replay.failure(), "PAIR_TOKEN_USED");
    desktop.close();
    phone.close();
  });

  test("a code typed on a phone connected to node B pairs with the desktop on node A", async () => {
    const session = await createSession(nodeA.url);
    const phone = await TestSocket.hello(nodeB.url, { code: session.qr.code });
    assert.equal((await phone.next("CONNECTED")).sessionId, session.sessionId);
    assert.equal((await nodeA.app.shared.pairing.get(session.sessionId))?.status, "CONNECTED");
    phone.close();
  });

  test("of parallel redemptions of one token spread over both nodes exactly one wins", async () => {
    const session = await createSession(nodeB.url);
    const phones = await Promise.all(
      Array.from({ length: 20 }, (_, i) => TestSocket.hello((i % 2 ? nodeA : nodeB).url, { sessionId: session.sessionId, token: session.token })),
    );
    const outcomes = await Promise.all(phones.map((p) => p.outcome()));
    assert.equal(outcomes.filter((o) => o === "CONNECTED").length, 1);
    assert.equal(outcomes.filter((o) => o === "PAIR_TOKEN_USED").length, 19);
    assert.equal((await nodeA.app.shared.pairing.get(session.sessionId))?.phones.length, 1);
    for (const p of phones) p.close();
  });
});

describe("linking across nodes", () => {
  test("a link shown by node A is claimed through node B, approved, and its ticket redeemed once whichever node is asked", async () => {
    const phone = await signIn(nodeA);
    const link = await openLink(nodeA);
    const claims = await Promise.all([0, 1, 2, 3].map((i) => claim(i % 2 ? nodeA : nodeB, phone, { ref: link.ref })));
    assert.equal(claims.filter((r) => r.status === 200).length, 1, "one claim wins");
    assert.equal(claims.filter((r) => codeOf(r) === "LINK_ALREADY_USED").length, 3);
    assert.equal((await nodeA.app.shared.links.get(link.linkId))?.state, "claimed");
    // The desktop's socket is on node A, so node A sends it the ticket.
    assert.equal((await approve(nodeA, phone, link.linkId)).status, 200);
    const ticket = await link.socket.next("LINK_APPROVED");
    const redeems = await Promise.all([nodeB, nodeA, nodeB].map((node) => redeem(node, link.linkId, ticket, link.key)));
    assert.equal(redeems.filter((r) => r.status === 200).length, 1);
    assert.equal(redeems.filter((r) => codeOf(r) === "LINK_TICKET_INVALID").length, 2);
    assert.equal((await nodeB.app.shared.links.get(link.linkId))?.state, "redeemed");
  });

  test("one account's claims are counted on every node: past the limit, neither node takes another", async () => {
    const phone = await signIn(nodeA);
    // 6 claims a minute per account in this suite; 3 on each node would pass twice over if each counted alone.
    for (const node of [nodeA, nodeB, nodeA, nodeB, nodeA, nodeB]) {
      assert.equal(codeOf(await claim(node, phone, { ref: randomBytes(16).toString("base64url") })), "LINK_NOT_FOUND");
    }
    assert.equal(codeOf(await claim(nodeA, phone, { ref: randomBytes(16).toString("base64url") })), "RATE_LIMITED");
    assert.equal(codeOf(await claim(nodeB, phone, { ref: randomBytes(16).toString("base64url") })), "RATE_LIMITED");
  });
});
