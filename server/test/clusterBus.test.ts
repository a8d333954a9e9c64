import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { encodeFrame, type EncodedFrame } from "@easyqr/protocol";
import { pino } from "pino";
import { ClusterBus } from "../src/cluster/bus.ts";
import { Hub } from "../src/realtime/hub.ts";
import type { Peer } from "../src/realtime/peer.ts";
import { localSockets } from "../src/realtime/sockets.ts";
import { freshRedisEnv } from "./support/harness.ts";

// Two buses over the local Redis, as two nodes would hold them, with counting stand-ins for
// sockets: what one node's events cost through Redis, and that they arrive whole and in order.
// The figures go to the test's diagnostics (and docs/adr/0009-cluster-fan-out.md).

type Node = { bus: ClusterBus; hub: Hub };
let nodes: [Node, Node];

/** A socket stand-in that keeps what it is sent. */
function fakePeer(): { peer: Peer; got: string[] } {
  const got: string[] = [];
  const peer = { send: (frame: EncodedFrame) => void got.push(frame.encoded) } as unknown as Peer;
  return { peer, got };
}

async function node(env: Record<string, string>, name: string): Promise<Node> {
  const hub = new Hub();
  const handlers = { dropSessions: () => undefined, scanConfirmed: () => undefined };
  const log = pino({ level: "silent" });
  const bus = await ClusterBus.start(localSockets(hub, handlers), hub, handlers, { url: env.REDIS_URL ?? "", prefix: env.REDIS_PREFIX ?? "" }, name, log);
  return { bus, hub };
}

before(async () => {
  const env = freshRedisEnv();
  nodes = [await node(env, "a"), await node(env, "b")];
});
after(async () => {
  for (const { bus } of nodes) await bus.close();
});

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

test("1-1 messages through Redis: every frame reaches the other node once, in order; frames/s", async (t) => {
  const [a, b] = nodes;
  const reader = fakePeer();
  b.hub.addUser("reader", "reader-session", Infinity, reader.peer);
  const frames = 20_000;
  const perTurn = 100; // a busy node's send batch
  const publishedBefore = a.bus.counts.published;
  const started = process.hrtime.bigint();
  for (let i = 0; i < frames; i += perTurn) {
    for (let j = i; j < i + perTurn; j++) {
      const frame = encodeFrame({ type: "TYPING", chatId: `chat-${j}`, userId: "writer", typing: true, until: j });
      a.bus.sockets.toUser("writer", frame);
      a.bus.sockets.toUser("reader", frame, { droppable: false });
    }
    await turn();
  }
  await until(() => reader.got.length === frames, 20_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const order = reader.got.map((f) => (JSON.parse(f) as { until: number }).until);
  assert.deepEqual(
    order,
    Array.from({ length: frames }, (_, i) => i),
    "once each, in the order published",
  );
  assert.equal(a.bus.counts.published - publishedBefore, frames / perTurn, "one publish per event-loop turn");
  t.diagnostic(`${frames} frames in ${seconds.toFixed(2)} s: ${Math.round(frames / seconds)} frames/s, ${frames / perTurn} publishes`);
});

test("a group event to 1,024 members spread over both nodes: one publish; the other node delivers to its 512", async (t) => {
  const [a, b] = nodes;
  const peers = Array.from({ length: 512 }, (_, i) => {
    const fake = fakePeer();
    b.hub.addUser(`member-${i * 2 + 1}`, `member-session-${i}`, Infinity, fake.peer);
    return fake;
  });
  const members = Array.from({ length: 1024 }, (_, i) => `member-${i}`);
  const events = 200;
  const publishedBefore = a.bus.counts.published;
  const started = process.hrtime.bigint();
  for (let e = 0; e < events; e++) {
    const frame = encodeFrame({ type: "TYPING", chatId: "group", userId: "member-0", typing: true, until: e });
    for (const member of members) a.bus.sockets.toUser(member, frame);
    await turn();
  }
  await until(() => peers.every((p) => p.got.length === events), 20_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  assert.equal(a.bus.counts.published - publishedBefore, events, "one publish per group event");
  t.diagnostic(
    `${events} group events × 512 remote members in ${seconds.toFixed(2)} s: ${Math.round(events / seconds)} events/s, ${Math.round((events * 512) / seconds)} deliveries/s`,
  );
});
