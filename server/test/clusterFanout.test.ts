import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DeviceList, VerifyCodeResponse, type Message } from "@easyqr/protocol";
import { call, signIn, type SignedIn } from "./support/api.ts";
import { ackOf, openChat, received, request, roomyChatLimits, send } from "./support/chat.ts";
import type { TestSocket } from "./support/client.ts";
import { connect, eventually, makeUsers, userSocket } from "./support/contacts.ts";
import { signInDevice } from "./support/devices.ts";
import { makeGroup } from "./support/groups.ts";
import { startNodes, startServer, type TestServer } from "./support/harness.ts";
import { approve, claimed, linkDesktop, openLink, redeem } from "./support/linking.ts";
import { cuttableProxy } from "./support/cuttableProxy.ts";

// Three nodes of one cluster sharing the database (SQLite file, or DATABASE_URL's PostgreSQL) and
// the local Redis (REDIS_URL, default redis://127.0.0.1:6379) under a fresh prefix; each client is
// placed on a chosen node. The periodic session check is slowed to a minute so that a socket closed
// on another node within the test's bound was closed by the bus, not by the check.
const options = { authLimits: { sendsPerIp: 10_000, sessionCheckMs: 60_000 }, chatLimits: roomyChatLimits };

let nodes: [TestServer, TestServer, TestServer];
let a: TestServer;
let b: TestServer;
let c: TestServer;
before(async () => {
  nodes = (await startNodes(3, options)) as [TestServer, TestServer, TestServer];
  [a, b, c] = nodes;
});
after(() => a.close());

/** How many batches each node published so far. */
const published = () => nodes.map((node) => node.app.realtime.counts().published);

describe("cluster fan-out over Redis", () => {
  test("two people on different nodes chat: messages in seq order, receipts and typing", async () => {
    const [ann, ben] = (await makeUsers(a, 2, "cross")) as [SignedIn, SignedIn];
    await connect(a, ann, ben);
    const chat = await openChat(a, ann, ben);
    const annSocket = await userSocket(a, ann);
    const benSocket = await userSocket(b, ben);

    const sent: Message[] = [];
    for (let i = 0; i < 20; i++) sent.push(await send(annSocket, chat.id, `hello ${i}`));
    await eventually(() => received(benSocket, chat.id).length === 20, "Ben has all 20 messages", 5000);
    assert.deepEqual(
      received(benSocket, chat.id).map((m) => m.seq),
      sent.map((m) => m.seq),
      "in seq order, once each",
    );
    assert.equal(received(annSocket, chat.id).length, 0, "the sender's own socket gets ACKs, not its own MESSAGEs");

    benSocket.send({ type: "TYPING", chatId: chat.id, typing: true });
    const typing = await annSocket.next("TYPING");
    assert.equal(typing.userId, ben.user.id);

    const last = sent.at(-1)?.seq ?? 0;
    const seen = await request(benSocket, { type: "SEEN", chatId: chat.id, seq: last });
    assert.equal(seen.error, undefined);
    const receipt = await annSocket.next("RECEIPT", 3000, (r) => r.userId === ben.user.id && r.receipts.seenSeq === last);
    assert.equal(receipt.chatId, chat.id);
    annSocket.close();
    benSocket.close();
  });

  test("one person's phone on node A and desktop on node B both get everything, once", async () => {
    const [ann, ben] = (await makeUsers(a, 2, "devices")) as [SignedIn, SignedIn];
    await connect(a, ann, ben);
    const chat = await openChat(a, ann, ben);
    const phone = await userSocket(a, await signInDevice(a, ann, { name: "Phone", platform: "Android" }));
    const desktop = await userSocket(b, await signInDevice(a, ann, { name: "Desktop", platform: "Linux" }));
    const benSocket = await userSocket(c, ben);

    const fromBen = await send(benSocket, chat.id, "to both of Ann's devices");
    const fromPhone = await send(phone, chat.id, "from Ann's phone");
    await eventually(() => received(desktop, chat.id).length === 2, "the desktop has both", 5000);
    await eventually(() => received(phone, chat.id).length === 1, "the phone has Ben's", 5000);
    assert.deepEqual(
      received(desktop, chat.id).map((m) => m.id),
      [fromBen.id, fromPhone.id],
    );
    assert.deepEqual(
      received(phone, chat.id).map((m) => m.id),
      [fromBen.id],
    );
    await eventually(() => received(benSocket, chat.id).length === 1, "Ben has Ann's", 5000);
    // Reading on the phone clears the desktop's badge: the phone's RECEIPT reaches node B.
    await request(phone, { type: "SEEN", chatId: chat.id, seq: fromPhone.seq });
    const mine = await desktop.next("RECEIPT", 3000, (r) => r.userId === ann.user.id && r.receipts.seenSeq === fromPhone.seq);
    assert.equal(mine.chatId, chat.id);
    for (const socket of [phone, desktop, benSocket]) socket.close();
  });

  test("two nodes write one chat at once: a reader on a third node gets every change once; an interleaving shows as a rev gap the client fills by SYNC", async (t) => {
    const [ann, ben] = (await makeUsers(a, 2, "race")) as [SignedIn, SignedIn];
    await connect(a, ann, ben);
    const chat = await openChat(a, ann, ben);
    const annPhone = await userSocket(a, ann);
    const benSocket = await userSocket(b, ben);
    const reader = await userSocket(c, await signInDevice(a, ann, { name: "Desktop", platform: "Linux" }));
    const sendAll = async (socket: TestSocket, who: string) => {
      const sent: Message[] = [];
      for (let i = 0; i < 40; i++) sent.push(await send(socket, chat.id, `${who} ${i}`));
      return sent;
    };
    const sent = (await Promise.all([sendAll(annPhone, "ann"), sendAll(benSocket, "ben")])).flat();
    await eventually(() => received(reader, chat.id).length === sent.length, "the reader has all 80", 10_000);
    const revs = received(reader, chat.id).map((m) => m.rev);
    assert.deepEqual(
      [...revs].sort((x, y) => x - y),
      sent.map((m) => m.rev).sort((x, y) => x - y),
      "every change once",
    );
    // What the client does with a rev gap: SYNC from the last rev it applied in order (and later events by the rev rule).
    let applied = Math.min(...revs) - 1;
    for (const rev of revs) if (rev === applied + 1) applied = rev;
    const inversions = revs.filter((rev, i) => i > 0 && rev < (revs[i - 1] ?? 0)).length;
    const sync = await request(reader, { type: "SYNC", chats: [{ chatId: chat.id, rev: applied }] });
    const changes = sync.sync?.chats.find((entry) => entry.chat.id === chat.id)?.changes ?? [];
    assert.equal(applied + changes.length, Math.max(...revs), "the SYNC brings every rev after the last one in order");
    const holds = c.app.realtime.counts();
    assert.ok(
      inversions <= holds.holdsTimedOut + 1,
      `${inversions} out of order: each one a hold that ran out (${holds.holdsTimedOut}) or the chat's first change seen here`,
    );
    t.diagnostic(`${holds.held} changes held for a predecessor on the reader's node, ${holds.holdsTimedOut} holds ran out`);
    t.diagnostic(
      `${inversions} events came after a later rev, among ${revs.length} from two writers on two nodes; in order up to rev ${applied} of ${Math.max(...revs)}`,
    );
    for (const socket of [annPhone, benSocket, reader]) socket.close();
  });

  test("a group with members on three nodes: one publish per group event, each member gets it once", async () => {
    const people = await makeUsers(a, 7, "spread");
    const [owner, ...members] = people as [SignedIn, ...SignedIn[]];
    const group = await makeGroup(a, owner, members);
    const sockets = await Promise.all(people.map((person, i) => userSocket(nodes[i % 3] as TestServer, person)));
    const ownerSocket = sockets[0] as TestSocket;
    await new Promise((resolve) => setTimeout(resolve, 100)); // presence and sign-in events settle
    const before = published();
    const message = await send(ownerSocket, group.id, "to everyone");
    for (const socket of sockets.slice(1)) await eventually(() => received(socket, group.id).length === 1, "each member has it", 5000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = published();
    assert.deepEqual(
      after.map((n, i) => n - (before[i] ?? 0)),
      [1, 0, 0],
      "node A published the group message once; the others nothing",
    );
    for (const socket of sockets.slice(1)) assert.equal(received(socket, group.id)[0]?.id, message.id);
    assert.equal(received(ownerSocket, group.id).length, 0);
    for (const socket of sockets) socket.close();
  });

  test("a device logged out on node A loses its socket on node B at once (not at the periodic check)", async () => {
    const ann = await signIn(a);
    const laptop = await signInDevice(a, ann, { name: "Laptop", platform: "Linux" });
    const socket = await userSocket(b, laptop);
    const started = Date.now();
    const reply = await call(a, "DELETE", `/api/devices/${laptop.tokens.sessionId}`, { token: ann.tokens.accessToken });
    assert.equal(reply.status, 200);
    assert.equal((await socket.waitClosed(2000)).code, 4003);
    assert.ok(Date.now() - started < 2000, `closed after ${Date.now() - started} ms`);
  });

  test("linking across nodes: the desktop waits on node B, the phone claims and approves on node A", async () => {
    const phone = await signIn(a);
    const link = await openLink(b);
    await claimed(a, phone, { ref: link.ref });
    await link.socket.next("LINK_SCANNED");
    const approved = await approve(a, phone, link.linkId);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const ticket = await link.socket.next("LINK_APPROVED");
    const phoneSocket = await userSocket(c, phone);
    const redeemed = await redeem(a, link.linkId, ticket, link.key);
    assert.equal(redeemed.status, 200);
    assert.equal((await link.socket.waitClosed(2000)).reason, "LINKED");
    const linked = await phoneSocket.next("DEVICE_LINKED");
    assert.equal(linked.device.id, VerifyCodeResponse.parse(redeemed.body).tokens.sessionId);
    phoneSocket.close();
  });

  test("scan to desktop across nodes: online as seen from another node, relayed, confirmed, answered", async () => {
    const phone = await signIn(a);
    const desktop = await linkDesktop(a, phone);
    desktop.socket.close();
    const deviceId = desktop.tokens.sessionId;
    const devicesOnA = async () => DeviceList.parse((await call(a, "GET", "/api/devices", { token: phone.tokens.accessToken })).body).devices;
    const desktopSocket = await userSocket(b, { ...phone, tokens: desktop.tokens });
    const phoneSocket = await userSocket(a, phone);
    assert.equal((await devicesOnA()).find((d) => d.id === deviceId)?.online, true, "node A sees the desktop on node B online");

    const scan = { id: randomUUID(), text: "4006381333931", format: "EAN13", scannedAt: 1_700_000_000_000 };
    phoneSocket.send({ type: "SCAN_TO_DEVICE", deviceId, scan });
    const relayed = await desktopSocket.next("DEVICE_SCAN");
    assert.equal(relayed.scan.id, scan.id);
    desktopSocket.send({ type: "DEVICE_SCAN_RECEIVED", scanId: scan.id });
    assert.equal((await ackOf(phoneSocket, scan.id, 3000)).error, undefined, "the confirmation made on node B answers the phone on node A");

    desktopSocket.close();
    await eventually(async () => (await devicesOnA()).find((d) => d.id === deviceId)?.online === false, "the desktop shows offline", 3000);
    const later = { ...scan, id: randomUUID() };
    phoneSocket.send({ type: "SCAN_TO_DEVICE", deviceId, scan: later });
    assert.equal((await ackOf(phoneSocket, later.id, 3000)).error?.code, "DEVICE_OFFLINE");
    phoneSocket.close();
  });
});

describe("Redis away", () => {
  let redis: Awaited<ReturnType<typeof cuttableProxy>>;
  let cut: TestServer;
  before(async () => {
    redis = await cuttableProxy(new URL(a.redisEnv?.REDIS_URL ?? "redis://127.0.0.1:6379"));
    // A fourth node of the cluster reaching Redis through a proxy the test cuts.
    cut = await startServerNode({ REDIS_URL: redis.url });
  });
  after(async () => {
    await cut.close();
    await redis.close();
  });

  test("sends on the cut node are still acknowledged; the other node's client catches up by RESYNC and SYNC once Redis is back", async () => {
    const [ann, ben] = (await makeUsers(a, 2, "outage")) as [SignedIn, SignedIn];
    await connect(a, ann, ben);
    const chat = await openChat(a, ann, ben);
    const annSocket = await userSocket(a, ann);
    const benSocket = await userSocket(cut, ben);
    const first = await send(benSocket, chat.id, "before the cut");
    await eventually(() => received(annSocket, chat.id).length === 1, "Ann has the first", 3000);
    assert.equal(cut.app.realtime.status(), "ok");

    redis.cut();
    await eventually(() => cut.app.realtime.status() === "degraded", "the cut node says degraded", 3000);
    const during = await send(benSocket, chat.id, "while Redis is away");
    assert.equal(during.seq, first.seq + 1, "committed and acknowledged");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(received(annSocket, chat.id).length, 1, "Ann did not hear it live");
    assert.ok(
      cut.logs.some((line) => line.msg.startsWith("cluster fan-out degraded")),
      "a clear log line says so",
    );

    redis.restore();
    await annSocket.next("RESYNC", 8000);
    await benSocket.next("RESYNC", 3000); // the cut node may have missed the others' events too
    assert.equal(cut.app.realtime.status(), "ok");
    const sync = await request(annSocket, { type: "SYNC", chats: [{ chatId: chat.id, rev: first.rev }] });
    assert.equal(sync.error, undefined);
    const changes = sync.sync.chats.find((entry) => entry.chat.id === chat.id)?.changes ?? [];
    assert.deepEqual(
      changes.map((m) => m.id),
      [during.id],
      "the SYNC brings what was missed",
    );
    // Live again.
    const afterwards = await send(benSocket, chat.id, "after Redis is back");
    await eventually(() => received(annSocket, chat.id).some((m) => m.id === afterwards.id), "Ann hears it live again", 3000);
    annSocket.close();
    benSocket.close();
  });
});

/** One more node of the first node's cluster (same database, clock and Redis prefix), with extra settings. */
function startServerNode(env: Record<string, string>): Promise<TestServer> {
  return startServer({ ...options, nodeOf: a, env: { ...env, NODE_ID: "node-cut" } });
}
