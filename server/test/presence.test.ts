import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Me, type ServerEventOf } from "@easyqr/protocol";
import type { ClientOptions } from "ws";
import { defaultPresenceLimits } from "../src/presence/limits.ts";
import { MemoryPresenceStore, type PresenceStore } from "../src/presence/store.ts";
import { defaultHeartbeatMs } from "../src/realtime/gateway.ts";
import { call, type SignedIn } from "./support/api.ts";
import { TestSocket } from "./support/client.ts";
import { connect, connectionsOf, contactsOf, eventually, makeUsers, ok, userSocket } from "./support/contacts.ts";
import { startServer, testNodes, type TestServer } from "./support/harness.ts";

const GRACE = 5_000;
const LEASE = defaultPresenceLimits.leaseTtlMs;
let server: TestServer;
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000 }, contactLimits: { requestsPerPair: 1000, requestsPerUser: 1000 } })));
after(() => server.close());

async function pair(base: string): Promise<[SignedIn, SignedIn]> {
  const [a, b] = await makeUsers(server, 2, base);
  if (!a || !b) throw new Error("users");
  await connect(server, a, b);
  return [a, b];
}

/** Closes a socket and waits until the server has let go of it (presence detached). */
async function closeSocket(on: TestServer, socket: TestSocket): Promise<void> {
  const before = socketsOf(on);
  socket.close();
  await eventually(() => socketsOf(on) === before - 1, "the server to drop the socket");
}

/** A user's socket, once presence holds it. */
async function online(on: TestServer, user: SignedIn, options?: ClientOptions): Promise<TestSocket> {
  const before = socketsOf(on);
  const socket = await TestSocket.hello(on.url, { accessToken: user.tokens.accessToken }, options);
  await socket.next("AUTHENTICATED");
  await eventually(() => socketsOf(on) > before, "presence to hold the socket");
  return socket;
}

/** Proves a socket is alive (what a client's keep-alive does): PING, then its ACK. */
async function ping(socket: TestSocket, id: string): Promise<void> {
  socket.send({ type: "PING", id });
  await socket.next("ACK", 3000, (e) => e.id === id);
}

const about = (socket: TestSocket, userId: string): ServerEventOf<"PRESENCE">[] =>
  socket.events.filter((e): e is ServerEventOf<"PRESENCE"> => e.type === "PRESENCE" && e.userId === userId);

const lastSeenInDb = async (on: TestServer, userId: string) =>
  (await on.app.database.db.selectFrom("users").select("lastSeenAt").where("id", "=", userId).executeTakeFirstOrThrow()).lastSeenAt;

describe("presence", () => {
  test("online while any device is connected; offline when the last goes, with lastSeen stored at that moment", async () => {
    const [a, b] = await pair("multi");
    const watcher = await online(server, a);
    const phone = await online(server, b);
    const first = await watcher.next("PRESENCE");
    assert.deepEqual(first, { type: "PRESENCE", userId: b.user.id, presence: { online: true, lastSeen: null } });
    const desktop = await online(server, b);
    const tab = await online(server, b);
    assert.equal((await connectionsOf(server, a))[0]?.presence.online, true);

    await closeSocket(server, phone);
    await closeSocket(server, tab);
    server.clock.advance(GRACE);
    await tickPresence(server);
    assert.equal((await connectionsOf(server, a))[0]?.presence.online, true, "the desktop is still there");

    const leftAt = server.clock.now();
    await closeSocket(server, desktop);
    server.clock.advance(GRACE);
    await tickPresence(server);
    const offline = await watcher.next("PRESENCE");
    assert.deepEqual(offline.presence, { online: false, lastSeen: leftAt });
    assert.equal(await lastSeenInDb(server, b.user.id), leftAt);
    assert.deepEqual((await connectionsOf(server, a))[0]?.presence, { online: false, lastSeen: leftAt });
    assert.equal(about(watcher, b.user.id).length, 2, "one online, one offline: nothing for the other devices");
    await closeSocket(server, watcher);
  });

  test("a brief drop (reconnect within the grace) never shows as offline", async () => {
    const [a, b] = await pair("flap");
    const watcher = await online(server, a);
    const first = await online(server, b);
    await watcher.next("PRESENCE");
    await closeSocket(server, first);
    server.clock.advance(GRACE - 1_000);
    await tickPresence(server);
    const again = await online(server, b);
    server.clock.advance(10_000);
    await tickPresence(server);
    server.clock.advance(10_000);
    await tickPresence(server);
    assert.equal((await connectionsOf(server, a))[0]?.presence.online, true);
    assert.deepEqual(
      about(watcher, b.user.id).map((e) => e.presence.online),
      [true],
      "no offline, no second online",
    );
    assert.equal(await lastSeenInDb(server, b.user.id), null);
    await closeSocket(server, again);
    await closeSocket(server, watcher);
  });

  test("a socket that stops being heard from goes offline when its lease runs out, last seen when it was last heard", async () => {
    const [a, b] = await pair("silent");
    const watcher = await online(server, a);
    const heardAt = server.clock.now();
    const quiet = await online(server, b);
    await watcher.next("PRESENCE");
    server.clock.advance(LEASE);
    await ping(watcher, "w1");
    await tickPresence(server);
    const offline = await watcher.next("PRESENCE");
    assert.deepEqual(offline.presence, { online: false, lastSeen: heardAt });
    assert.equal(quiet.closed, undefined, "the socket itself is still open: only its lease ran out");
    // Heard again (a frame): online again.
    await ping(quiet, "q1");
    await tickPresence(server);
    assert.equal((await watcher.next("PRESENCE")).presence.online, true);
    await closeSocket(server, quiet);
    await closeSocket(server, watcher);
  });

  test("only connections ever get presence: not strangers, not someone removed", async () => {
    const [a, b] = await pair("private");
    const [stranger] = await makeUsers(server, 1, "stranger");
    if (!stranger) throw new Error("users");
    const [watcher, outsider] = await Promise.all([online(server, a), online(server, stranger)]);
    const subject = await online(server, b);
    await watcher.next("PRESENCE");
    await contactsOf(server, a).remove(b.user.id);
    await closeSocket(server, subject);
    server.clock.advance(GRACE);
    await ping(watcher, "p1");
    await ping(outsider, "p2");
    await tickPresence(server);
    // A marker: a presence change the watcher may see, after everything above.
    const [c] = await makeUsers(server, 1, "marker");
    if (!c) throw new Error("users");
    await connect(server, a, c);
    const marker = await online(server, c);
    await watcher.next("PRESENCE", 3000, (e) => e.userId === c.user.id);
    assert.deepEqual(
      about(watcher, b.user.id).map((e) => e.presence.online),
      [true],
      "nothing after the removal",
    );
    assert.equal(outsider.count("PRESENCE"), 0);
    for (const s of [marker, watcher, outsider]) await closeSocket(server, s);
  });

  test("hiding last seen hides yours from connections and theirs from you; online still shows", async () => {
    const [a, b] = await pair("hide");
    const hide = async (user: SignedIn, value: boolean) =>
      assert.equal(ok(await call(server, "PATCH", "/api/users/me", { token: user.tokens.accessToken, body: { hideLastSeen: value } }), Me).hideLastSeen, value);
    const visit = async (user: SignedIn) => {
      await closeSocket(server, await online(server, user));
      server.clock.advance(GRACE);
      await tickPresence(server);
    };
    const seenBy = async (viewer: SignedIn) => (await connectionsOf(server, viewer))[0]?.presence;

    await visit(b);
    await visit(a);
    assert.equal(typeof (await seenBy(a))?.lastSeen, "number");

    await hide(b, true);
    const watcher = await online(server, a);
    const bSocket = await online(server, b);
    assert.deepEqual((await watcher.next("PRESENCE")).presence, { online: true, lastSeen: null }, "online still shows");
    await closeSocket(server, bSocket);
    server.clock.advance(GRACE);
    await ping(watcher, "h1");
    await tickPresence(server);
    assert.deepEqual((await watcher.next("PRESENCE")).presence, { online: false, lastSeen: null }, "the event hides it");
    assert.deepEqual(await seenBy(a), { online: false, lastSeen: null }, "so does the list");
    assert.equal(typeof (await lastSeenInDb(server, b.user.id)), "number", "it is still recorded");
    await closeSocket(server, watcher);
    server.clock.advance(GRACE);
    await tickPresence(server);

    await hide(b, false);
    await hide(a, true);
    assert.equal((await seenBy(a))?.lastSeen, null, "hiding yours hides everyone's from you");
    assert.equal((await seenBy(b))?.lastSeen, null);
    await hide(a, false);
    assert.equal(typeof (await seenBy(a))?.lastSeen, "number");
    assert.equal(typeof (await seenBy(b))?.lastSeen, "number");
  });

  test("hiding and showing last seen reach connections' open sockets at once, both ways", async () => {
    const [a, b, c] = await makeUsers(server, 3, "livehide");
    if (!a || !b || !c) throw new Error("users");
    await connect(server, a, b);
    await connect(server, c, b);
    const setHidden = async (user: SignedIn, value: boolean) =>
      assert.equal(ok(await call(server, "PATCH", "/api/users/me", { token: user.tokens.accessToken, body: { hideLastSeen: value } }), Me).hideLastSeen, value);
    const leftAt = server.clock.now();
    await closeSocket(server, await online(server, b));
    server.clock.advance(GRACE);
    await tickPresence(server);

    const [socketA, socketC] = [await online(server, a), await online(server, c)];
    const nextAbout = (socket: TestSocket, userId: string) => socket.next("PRESENCE", 3000, (e) => e.userId === userId);
    const offline = (lastSeen: number | null) => ({ online: false, lastSeen });

    await setHidden(b, true);
    assert.deepEqual((await nextAbout(socketA, b.user.id)).presence, offline(null), "hiding reaches one connection");
    assert.deepEqual((await nextAbout(socketC, b.user.id)).presence, offline(null), "and the other");
    await setHidden(b, false);
    assert.deepEqual((await nextAbout(socketA, b.user.id)).presence, offline(leftAt), "showing again reaches them too");
    assert.deepEqual((await nextAbout(socketC, b.user.id)).presence, offline(leftAt));

    // Hiding yours hides theirs from you: the hider's own sockets are told too.
    await setHidden(a, true);
    assert.deepEqual((await nextAbout(socketA, b.user.id)).presence, offline(null));
    await setHidden(a, false);
    assert.deepEqual((await nextAbout(socketA, b.user.id)).presence, offline(leftAt));

    // Setting what is already set changes nothing and pushes nothing.
    await setHidden(b, false);
    await ping(socketA, "same1");
    await ping(socketC, "same2");
    assert.equal(about(socketA, b.user.id).length, 4);
    assert.equal(about(socketC, b.user.id).length, 2);
    await closeSocket(server, socketA);
    await closeSocket(server, socketC);
  });

  test("a new connection arrives with the other side's presence", async () => {
    const [a, b] = await makeUsers(server, 2, "fresh");
    if (!a || !b) throw new Error("users");
    const [socketA, socketB] = await Promise.all([online(server, a), online(server, b)]);
    await connect(server, a, b);
    assert.deepEqual((await socketA.next("CONNECTION_ADDED")).connection.presence, { online: true, lastSeen: null });
    assert.deepEqual((await socketB.next("CONNECTION_ADDED")).connection.presence, { online: true, lastSeen: null });
    await closeSocket(server, socketA);
    await closeSocket(server, socketB);
  });
});

describe("presence with heartbeats and nodes", () => {
  test("a client that stops answering pings is dropped by the heartbeat and goes offline", async () => {
    const beating = await startServer({ authLimits: { sendsPerIp: 10_000 }, heartbeatMs: 250 });
    try {
      const [a, b] = await makeUsers(beating, 2, "dead");
      if (!a || !b) throw new Error("users");
      await connect(beating, a, b);
      const watcher = await online(beating, a);
      const heardAt = beating.clock.now();
      const dead = await online(beating, b, { autoPong: false });
      await watcher.next("PRESENCE");
      await dead.waitClosed(3_000);
      await eventually(() => socketsOf(beating) === 1, "the dead socket to be let go");
      beating.clock.advance(GRACE);
      await tickPresence(beating);
      assert.deepEqual((await watcher.next("PRESENCE")).presence, { online: false, lastSeen: heardAt });
      assert.equal(watcher.closed, undefined, "the live client answered every ping");
      watcher.close();
    } finally {
      await beating.close();
    }
  });

  test("a silent client (half-open: it stops answering pings, sends nothing, never closes) shows offline within 45 s, here at 1/15 of the time", async () => {
    // Production: beats of 15 s, a 5 s grace, ticks of 2 s. Scaled by 1/15: 1 s, 333 ms, 133 ms; the bound 45 s → 3 s.
    const scale = 15;
    const bound = 45_000 / scale;
    const beating = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      heartbeatMs: defaultHeartbeatMs / scale,
      presenceLimits: { graceMs: defaultPresenceLimits.graceMs / scale },
    });
    // The server's clock (leases, grace) keeps up with real time, and presence ticks as its job would.
    let last = Date.now();
    const clock = setInterval(() => {
      const now = Date.now();
      beating.clock.advance(now - last);
      last = now;
    }, 5);
    // One tick at a time, and the last one awaited before the server closes (its store may be Redis).
    let ticking: Promise<void> = Promise.resolve();
    const ticks = setInterval(() => (ticking = ticking.then(() => tickPresence(beating))), defaultPresenceLimits.tickMs / scale);
    try {
      const [a, b] = await makeUsers(beating, 2, "halfopen");
      if (!a || !b) throw new Error("users");
      await connect(beating, a, b);
      const watcher = await online(beating, a);
      const silent = await online(beating, b, { autoPong: false });
      const lastHeard = Date.now();
      await watcher.next("PRESENCE", 3000, (e) => e.userId === b.user.id && e.presence.online);
      await watcher.next("PRESENCE", 3000, (e) => e.userId === b.user.id && !e.presence.online);
      const took = Date.now() - lastHeard;
      assert.ok(took <= bound, `offline after ${took} ms; the bound is ${bound} ms`);
      assert.ok(took >= defaultHeartbeatMs / scale, "not before the heartbeat could tell");
      assert.ok(2 * defaultHeartbeatMs + defaultPresenceLimits.graceMs + defaultPresenceLimits.tickMs <= 45_000, "the production timings keep the bound");
      watcher.close();
      silent.close();
    } finally {
      clearInterval(clock);
      clearInterval(ticks);
      await ticking;
      await beating.close();
    }
  });

  const oneNode = testNodes() > 1 && "counts the writes of one node's ticks";
  test("a tick writes only the leases of sockets heard since they were stored (the rest would not change)", { skip: oneNode }, async () => {
    const store = new MemoryPresenceStore();
    const written: string[][] = [];
    const counting: PresenceStore = {
      put: (leases, now) => {
        written.push(leases.map((l) => l.userId));
        return store.put(leases, now);
      },
      expire: (now) => store.expire(now),
      online: (userIds, now) => store.online(userIds, now),
    };
    const node = await startServer({ authLimits: { sendsPerIp: 10_000 }, presenceStore: counting });
    try {
      const [a] = await makeUsers(node, 1, "quiet");
      if (!a) throw new Error("users");
      const socket = await online(node, a);
      written.length = 0;
      await tickPresence(node);
      assert.deepEqual(written, [[]], "nothing heard since the handshake stored it");
      node.clock.advance(1_000);
      await ping(socket, "heard");
      await tickPresence(node);
      await tickPresence(node);
      assert.deepEqual(written, [[], [a.user.id], []], "heard again: written once");
      socket.close();
    } finally {
      await node.close();
    }
  });

  test("a node that dies stops renewing: its users go offline on their own, seen from another node", async () => {
    const store = new MemoryPresenceStore();
    const node1 = await startServer({ authLimits: { sendsPerIp: 10_000 }, presenceStore: store });
    const node2 = await startServer({ nodeOf: node1, authLimits: { sendsPerIp: 10_000 }, presenceStore: store });
    try {
      const [a, b] = await makeUsers(node1, 2, "nodes");
      if (!a || !b) throw new Error("users");
      await connect(node1, a, b);
      const watcher = await online(node1, a);
      const heardAt = node1.clock.now();
      const onDeadNode = await userSocket(node2, b);
      await eventually(async () => (await connectionsOf(node1, a))[0]?.presence.online === true, "node 1 to see b online through the store");
      // Node 2 "dies": it never ticks again, so b's lease is never renewed, though its socket is open.
      assert.ok(LEASE + defaultPresenceLimits.tickMs <= 45_000, "a dead node's users go offline within 45 s");
      node1.clock.advance(LEASE);
      await ping(watcher, "n1");
      await tickPresence(node1);
      assert.deepEqual((await watcher.next("PRESENCE", 3000, (e) => !e.presence.online)).presence, { online: false, lastSeen: heardAt });
      assert.equal(await lastSeenInDb(node1, b.user.id), heardAt);
      onDeadNode.close();
      watcher.close();
    } finally {
      await node2.close();
      await node1.close();
    }
  });
});

/** Sockets presence holds on every node of this server (one in process; TEST_NODES in the cluster suite). */
function socketsOf(server: TestServer): number {
  return server.nodes.reduce((count, app) => count + app.presence.sockets, 0);
}

/** A presence tick on every node, one after the other, as each node's timer would. */
async function tickPresence(server: TestServer): Promise<void> {
  for (const app of server.nodes) await app.presence.tick();
}
