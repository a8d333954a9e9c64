// Fault tests of cluster mode: Redis away for 60 s, PostgreSQL away for 30 s, each cut between two
// real node processes and the server by a TCP proxy (as a network fault would), during a storm in
// 1-1 chats and a group whose members sit on both nodes. The two run at once (their own nodes,
// schemas and Redis prefixes), so the suite waits about a minute, not a minute and a half. Runs in
// the cluster suite (PostgreSQL + Redis); see docs/operations.md, "Faults".
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { Connections, ErrorEnvelope, HealthResponse } from "@easyqr/protocol";
import { clusterFaultsSkip, spawnCluster, type NodeProcesses } from "./support/clusterProcesses.ts";
import { cuttableProxy, type CuttableProxy } from "./support/cuttableProxy.ts";
import { checkChat } from "./support/faultChecker.ts";
import { historyOf, pairChats, settle, sleep, storm, stormGroup, stormSummary, until, type Storm } from "./support/faultStorm.ts";
import { OutboxClient } from "./support/outboxClient.ts";
import { testRedisUrl } from "./support/redis.ts";
import { seedUsers, type SeededUser } from "./support/seed.ts";
import { freshStore, type Store } from "./support/store.ts";

const PAIRS = 3;
const GROUP = 4;
const COMPOSE_EVERY_MS = 250;
/** Storm traffic before a cut and after it. */
const LIVE_MS = 1_500;
const REDIS_AWAY_MS = 60_000;
const DATABASE_AWAY_MS = 30_000;
/** Longest an HTTP call may take while the database is away: a clear answer, not a hang. */
const ANSWER_WITHIN_MS = 10_000;

type Scene = {
  store: Store;
  cluster: NodeProcesses;
  /** Every chat's clients; in each, members alternate between node 1 and node 2. */
  chats: OutboxClient[][];
  clients: OutboxClient[];
  onNode: (i: number) => OutboxClient[];
  /** The nodes' last output lines (for a failure), then everything stopped and dropped. */
  close(failed: boolean): Promise<void>;
};

/** Two nodes (with `env` for both: a proxied REDIS_URL or DATABASE_URL), PAIRS 1-1 chats and a group, every chat across both nodes. */
async function scene(t: TestContext, prefix: string, env: (store: Store) => Promise<Record<string, string>>): Promise<Scene> {
  const store = freshStore("postgres");
  const users = await seedUsers(store.env, PAIRS * 2 + GROUP, { prefix, connectPairs: true });
  const cluster = await spawnCluster(store.env, 2, await env(store));
  const urls = cluster.nodes.map((node) => node.url);
  const clientOn = (i: number, user: SeededUser, chatId: string) => new OutboxClient(user, chatId, () => urls[i % 2]!);
  const chats = (await pairChats(urls[0]!, users.slice(0, PAIRS * 2))).map(({ a, b, chatId }) => [clientOn(0, a, chatId), clientOn(1, b, chatId)]);
  const [owner, ...members] = users.slice(PAIRS * 2);
  assert.ok(owner);
  const group = await stormGroup(urls[0]!, owner, members);
  chats.push([owner, ...members].map((user, i) => clientOn(i, user, group.chatId)));
  const clients = chats.flat();
  const node = new Map(chats.flatMap((members) => members.map((c, i) => [c, i % 2] as const)));
  for (const c of clients) c.start();
  await until(() => clients.every((c) => c.connected), "every client to connect", 20_000);
  return {
    store,
    cluster,
    chats,
    clients,
    onNode: (i) => clients.filter((c) => node.get(c) === i),
    async close(failed) {
      for (const c of clients) c.stop();
      if (failed) cluster.report(t);
      await cluster.stop();
      await store.drop();
    },
  };
}

async function health(url: string): Promise<{ status: number; body: HealthResponse }> {
  const response = await fetch(`${url}/health`);
  return { status: response.status, body: HealthResponse.parse(await response.json()) };
}

/** Every chat checked against the server's history (read through node 1). */
async function problemsOf(s: Scene): Promise<string[]> {
  const problems: string[] = [];
  for (const members of s.chats) problems.push(...checkChat(members, await historyOf(s.cluster.nodes[0]!.url, members[0]!.user, members[0]!.chatId)));
  return problems;
}

describe("cluster faults", { concurrency: true }, () => {
  test(
    "Redis away for 60 s: sends commit and are acknowledged, health says degraded, and when it is back RESYNC catches every node's clients up",
    { skip: clusterFaultsSkip(), timeout: 240_000 },
    async (t) => {
      let redis: CuttableProxy | undefined;
      const s = await scene(t, "rcut", async () => {
        redis = await cuttableProxy(new URL(testRedisUrl));
        return { REDIS_URL: redis.url };
      });
      let failed = true;
      let composing: Storm | undefined;
      try {
        assert.ok(redis);
        const [first, second] = s.cluster.nodes as [(typeof s.cluster.nodes)[0], (typeof s.cluster.nodes)[0]];
        // Presence crosses nodes through Redis: a (node 1) sees b (node 2) online.
        const [a, b] = [s.chats[0]![0]!.user, s.chats[0]![1]!.user];
        const bOnline = async () => {
          const response = await fetch(`${first.url}/api/contacts/connections`, { headers: { authorization: `Bearer ${a.accessToken}` } });
          return Connections.parse(await response.json()).connections.find((c) => c.user.id === b.id)?.presence.online === true;
        };
        await eventuallyAsync(bOnline, "a to see b online before the cut", 10_000);

        let composers = s.clients;
        composing = storm(() => composers, COMPOSE_EVERY_MS);
        await sleep(LIVE_MS);
        redis.cut();
        const cutAt = Date.now();
        for (const node of [first, second])
          await eventuallyAsync(async () => (await health(node.url)).body.status === "degraded", "health to say degraded", 10_000);
        const during = await health(first.url);
        assert.equal(during.status, 200, "degraded keeps the node in the load balancer");
        assert.deepEqual(during.body.checks, { database: "ok", redis: "down" });
        // Late in the cut only node 1's clients write: node 2's have no live event or ACK of theirs to notice the gap by.
        await sleep(REDIS_AWAY_MS - 10_000);
        composers = s.onNode(0);
        await sleep(8_000);
        await composing.stop();
        await until(() => s.clients.every((c) => c.pending === 0), "every send acknowledged while Redis is away", 20_000);
        const behind = s.onNode(1).filter((c) => s.onNode(0).some((o) => o.chatId === c.chatId && [...o.acked.values()].some((m) => !c.held.has(m.seq))));
        assert.ok(behind.length > 0, "node 2's clients miss what node 1's wrote during the cut");
        await sleep(Math.max(0, cutAt + REDIS_AWAY_MS - Date.now()));

        redis.restore();
        const restoredAt = Date.now();
        // No SYNC of the test's own: the nodes' RESYNC is what brings everyone up to date.
        await until(() => s.clients.every((c) => c.counts.resyncFrames > 0), "RESYNC on every client", 20_000);
        await eventuallyAsync(async () => (await problemsOf(s)).length === 0, "every client to catch up", 20_000);
        const caughtUpMs = Date.now() - restoredAt;
        await eventuallyAsync(bOnline, "presence across nodes to recover", 20_000);
        for (const node of [first, second]) await eventuallyAsync(async () => (await health(node.url)).body.status === "ok", "health ok again", 10_000);

        t.diagnostic(`Redis away ${restoredAt - cutAt} ms; ${behind.length} clients on node 2 were behind; all caught up ${caughtUpMs} ms after it came back`);
        t.diagnostic(stormSummary(s.clients));
        for (const node of [first, second]) {
          assert.ok(node.running(), `${node.url} runs`);
          assert.equal(node.linesMatching(/cluster fan-out degraded/), 1, "one clear line per node says so");
          assert.equal(node.linesMatching(/"level":(50|60)/) - node.linesMatching(/cluster fan-out degraded|Redis is unavailable/), 0, "no other error");
        }
        assert.deepEqual((await problemsOf(s)).slice(0, 30), []);
        failed = false;
      } finally {
        await composing?.stop();
        await s.close(failed);
        await redis?.close();
      }
    },
  );

  test(
    "PostgreSQL away for 30 s: sends are refused as UNAVAILABLE (retryable), health says down, and the nodes recover by themselves losing nothing acknowledged",
    { skip: clusterFaultsSkip(), timeout: 240_000 },
    async (t) => {
      let database: CuttableProxy | undefined;
      const s = await scene(t, "pgcut", async (store) => {
        database = await cuttableProxy(new URL(store.env.DATABASE_URL!));
        return { DATABASE_URL: database.url };
      });
      let failed = true;
      let composing: Storm | undefined;
      try {
        assert.ok(database);
        const pids = s.cluster.nodes.map((node) => node.pid);
        composing = storm(() => s.clients, COMPOSE_EVERY_MS);
        await sleep(LIVE_MS);
        database.cut();
        const cutAt = Date.now();
        for (const node of s.cluster.nodes)
          await eventuallyAsync(
            async () => {
              const { status, body } = await health(node.url);
              return status === 503 && body.status === "down" && body.checks.database === "down";
            },
            "health to say down (503)",
            10_000,
          );
        await until(() => s.clients.some((c) => c.counts.unavailable > 0), "a send refused as UNAVAILABLE", 10_000);

        // An HTTP call gets the same clear, retryable answer, in bounded time.
        const user = s.chats[0]![0]!.user;
        const askedAt = Date.now();
        const response = await fetch(`${s.cluster.nodes[1]!.url}/api/chats`, { headers: { authorization: `Bearer ${user.accessToken}` } });
        const answeredMs = Date.now() - askedAt;
        const body = ErrorEnvelope.parse(await response.json());
        assert.equal(response.status, 503);
        assert.equal(body.error.code, "UNAVAILABLE");
        assert.ok(Number(response.headers.get("retry-after")) > 0, "Retry-After");
        assert.ok(answeredMs < ANSWER_WITHIN_MS, `answered in ${answeredMs} ms`);

        await sleep(Math.max(0, cutAt + DATABASE_AWAY_MS - Date.now()));
        const pendingAtRestore = s.clients.reduce((n, c) => n + c.pending, 0);
        database.restore();
        const restoredAt = Date.now();
        // Bounded, with room for a busy machine: ~1,200 waiting sends drained in 8–17 s at load averages of 9–14.
        await until(() => s.clients.every((c) => c.pending === 0), "the outboxes to drain once PostgreSQL is back", 60_000).catch((error: unknown) => {
          throw new Error(`${String(error)}: ${s.clients.reduce((n, c) => n + c.pending, 0)} still waiting; ${stormSummary(s.clients)}`);
        });
        const drainedMs = Date.now() - restoredAt;
        await sleep(LIVE_MS);
        await composing.stop();
        await settle(s.clients);
        for (const node of s.cluster.nodes) assert.deepEqual((await health(node.url)).body.checks.database, "ok");

        t.diagnostic(
          `PostgreSQL away ${restoredAt - cutAt} ms; an HTTP call answered in ${answeredMs} ms; ${pendingAtRestore} sends waiting at the return, all acknowledged ${drainedMs} ms later`,
        );
        t.diagnostic(stormSummary(s.clients));
        assert.deepEqual((await problemsOf(s)).slice(0, 30), []);
        assert.ok(
          s.cluster.nodes.every((node, i) => node.running() && node.pid === pids[i]),
          "the same processes: no restart",
        );
        for (const node of s.cluster.nodes) {
          assert.equal(node.linesMatching(/database unavailable/), 1, "one clear line per node says so");
          assert.equal(node.linesMatching(/database is back/), 1);
          assert.equal(node.linesMatching(/"level":(50|60)/), 1, "no other error");
        }
        assert.ok(
          s.clients.every((c) => c.counts.connections === 1),
          "no socket was dropped",
        );
        failed = false;
      } finally {
        await composing?.stop();
        await s.close(failed);
        await database?.close();
      }
    },
  );
});

async function eventuallyAsync(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
