// `npm run bench -- chat-idle --nodes=3`: the cluster simulation of docs/scaling.md. Several server
// nodes (PostgreSQL + Redis, each its own process, under ~19,000 sockets so that it stays within a
// process's 20,000 open files) hold signed-in idle sockets opened by several load processes from
// loopback source addresses 127.0.0.2 and up. It reads each node's RSS per socket, Redis's memory and
// commands per second while idle (the presence and directory renewals), PostgreSQL's connections,
// and then what a light chat load across nodes delivers. Bounded in time; it removes its Redis keys
// and its schema whatever happens.
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { freePort, freshStore, seedUsers } from "@easyqr/server/test-support";
import { Redis } from "ioredis";
import pg from "pg";
import type { StepResult, WorkerUser } from "./chatMessages.ts";
import { benchServerEnv, openChats, sourceIps } from "./chatServer.ts";
import { collectGarbage, cpuSeconds, inspectorFlags, root, rssBytes, startServer, type RunningServer } from "./processes.ts";
import { formatMs, percentile, table } from "./stats.ts";
import { startWorker, type Worker } from "./workers.ts";

export type ClusterIdleOptions = {
  sockets: number;
  nodes: number;
  processes: number;
  settleMs: number;
  /** How long the idle cluster is watched (Redis commands, node CPU): at least two heartbeats (15 s each). */
  idleMs: number;
  /** Pairs that chat in the light load on top, and the msgs/s they offer together. */
  chatPairs: number;
  chatRate: number;
  chatMs: number;
  redisUrl: string;
};

export const defaultClusterIdle: Omit<ClusterIdleOptions, "sockets" | "nodes" | "processes" | "redisUrl"> = {
  settleMs: 10_000,
  idleMs: 32_000,
  chatPairs: 1000,
  chatRate: 1000,
  chatMs: 10_000,
};

/** A node past this many sockets is near the 20,000 open files a process may hold here. */
const SOCKETS_PER_NODE_LIMIT = 19_000;
const METRICS_TOKEN = "bench-metrics-token-0123456789abcdef";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type RedisReading = { usedMemory: number; commands: number; calls: Map<string, number>; at: number };

export async function clusterIdle(o: ClusterIdleOptions): Promise<string> {
  if (o.sockets / o.nodes > SOCKETS_PER_NODE_LIMIT)
    throw new Error(`${o.sockets} sockets over ${o.nodes} nodes is over ${SOCKETS_PER_NODE_LIMIT} a node: add --nodes`);
  if (o.sockets / o.processes > SOCKETS_PER_NODE_LIMIT)
    throw new Error(`${o.sockets} sockets over ${o.processes} load processes is too many a process: add --processes`);
  const prefix = `bench-idle-${randomBytes(4).toString("hex")}:`;
  const redis = new Redis(o.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const store = freshStore("postgres");
  const schema = store.env.DATABASE_SCHEMA ?? "";
  const postgres = new pg.Client({ connectionString: store.env.DATABASE_URL });
  await postgres.connect();
  const nodes: RunningServer[] = [];
  const inspectPorts: number[] = [];
  const workers: Worker[] = [];
  /** Each node's RSS after a full GC in each. */
  const settledRss = async () => {
    await sleep(o.settleMs);
    await Promise.all(inspectPorts.map(collectGarbage));
    await sleep(1000);
    return nodes.map((n) => rssBytes(n.child.pid ?? 0));
  };
  const run = (async () => {
    const loadBefore = loadavg()[0]!.toFixed(1);
    const seededAt = performance.now();
    const users = await seedUsers(store.env, o.sockets, { prefix: "bench", connectPairs: true });
    console.error(`cluster idle: seeded ${users.length} users in ${((performance.now() - seededAt) / 1000).toFixed(0)} s`);
    for (let k = 0; k < o.nodes; k++) {
      const env = {
        ...store.env,
        ...benchServerEnv,
        DATABASE_URL: `${store.env.DATABASE_URL}?application_name=${prefix}n${k}`,
        REDIS_URL: o.redisUrl,
        REDIS_PREFIX: prefix,
        NODE_ID: `idle-node-${k}`,
        METRICS_TOKEN,
      };
      inspectPorts.push(await freePort());
      // One at a time: the first applies the migrations. Nodes take turns over the two cores.
      nodes.push(await startServer(env, inspectorFlags(inspectPorts[k]!), root, k % 2));
    }
    const pids = nodes.map((n) => n.child.pid ?? 0);
    const pairs = Math.floor(users.length / 2);
    const chatPairs = Math.min(o.chatPairs, pairs);
    const chatIds = await openChats(nodes[0]!.url, users.slice(0, chatPairs * 2));
    // User i connects to node i mod N: the two users of a pair are on different nodes, so every chat message crosses the bus.
    const workerUsers: WorkerUser[] = users.map((u, i) => ({
      id: u.id,
      accessToken: u.accessToken,
      url: nodes[i % o.nodes]!.url,
      ...(i < chatPairs * 2 ? { chatId: chatIds[Math.floor(i / 2)] } : {}),
    }));
    const rssStart = await settledRss();
    const redisStart = await redisReading(redis);

    const ips = sourceIps(64);
    const perWorker = Math.floor(ips.length / o.processes);
    for (let k = 0; k < o.processes; k++) workers.push(startWorker("bench/src/chatWorker.ts"));
    const began = performance.now();
    const progress = setInterval(() => void logProgress(nodes, began), 30_000);
    const ready = await Promise.all(
      workers.map((w, k) =>
        w.ask(
          {
            type: "init",
            url: nodes[0]!.url,
            // Whole pairs per load process, dealt in turn, so the chatting pairs are spread over all of them.
            users: workerUsers.filter((_, i) => Math.floor(i / 2) % o.processes === k),
            sourceIps: ips.slice(k * perWorker, (k + 1) * perWorker),
            // A node's handshake must finish within 10 s: 16 a process keeps the nodes' queues short on 2 shared cores.
            lanes: 16,
          },
          "ready",
          45 * 60_000,
        ),
      ),
    ).finally(() => clearInterval(progress));
    const connectS = (performance.now() - began) / 1000;
    const connected = await redisReading(redis);
    const retries = new Map<string, number>();
    for (const { retries: some } of ready) for (const [reason, n] of Object.entries(some)) retries.set(reason, (retries.get(reason) ?? 0) + n);
    console.error(`cluster idle: ${users.length} sockets open in ${connectS.toFixed(0)} s, ${describeRetries(retries)}`);
    const rssIdle = await settledRss();
    const socketsHeld = await socketsOf(nodes);
    const cpuBefore = pids.map(cpuSeconds);
    const idleFrom = await redisReading(redis);
    const tablesFrom = await tableReads(postgres, schema);
    await sleep(o.idleMs);
    const idleTo = await redisReading(redis);
    const tablesTo = await tableReads(postgres, schema);
    const idleCpu = pids.map((pid, k) => cpuSeconds(pid) - cpuBefore[k]!);
    const connections = await postgresConnections(postgres, prefix);

    const deliveredBefore = await Promise.all(nodes.map(delivered));
    const chatFrom = await redisReading(redis);
    const results = (
      await Promise.all(
        workers.map((w) =>
          w.ask({ type: "step", rate: o.chatRate / o.processes, durationMs: o.chatMs, drainMs: 5_000, window: 32 }, "result", o.chatMs + 60_000),
        ),
      )
    ).map((r) => r.result);
    const chatTo = await redisReading(redis);
    const deliveredAfter = await Promise.all(nodes.map(delivered));
    const rssEnd = await settledRss();
    const loadAfter = loadavg()[0]!.toFixed(1);

    const idleS = o.idleMs / 1000;
    const chatS = (chatTo.at - chatFrom.at) / 1000;
    const nodeRows = nodes.map((_, k) => ({
      node: `idle-node-${k}`,
      "signed-in sockets": socketsHeld[k]!,
      "RSS MB (after GC): started → idle": `${mb(rssStart[k]!)} → ${mb(rssIdle[k]!)}`,
      "KB per idle socket": ((rssIdle[k]! - rssStart[k]!) / socketsHeld[k]! / 1024).toFixed(1),
      "CPU % idle (heartbeats, renewals)": Math.round((idleCpu[k]! / idleS) * 100),
      "PostgreSQL connections": connections.get(`${prefix}n${k}`) ?? 0,
      "MESSAGE frames written/s in the chat step": Math.round((deliveredAfter[k]! - deliveredBefore[k]!) / chatS),
      "RSS MB after chat": mb(rssEnd[k]!),
    }));
    const total = socketsHeld.reduce((a, b) => a + b, 0);
    const deliveries = results.flatMap((r) => r.deliveryLatencies);
    const sum = (pick: (r: StepResult) => number) => results.reduce((n, r) => n + pick(r), 0);
    const clusterRows = [
      {
        "signed-in sockets": total,
        "connects/s": Math.round(users.length / connectS),
        "handshakes retried": [...retries.values()].reduce((a, b) => a + b, 0),
        "Redis commands/s connecting": rate(redisStart, connected, connectS),
        "Redis used memory MB: before → idle (bytes per socket)": `${mb(redisStart.usedMemory)} → ${mb(idleFrom.usedMemory)} (${Math.round((idleFrom.usedMemory - redisStart.usedMemory) / total)})`,
        "Redis commands/s idle (of which presence lease writes, HSET)": `${rate(idleFrom, idleTo, idleS)} (${callRate(idleFrom, idleTo, "hset", idleS)})`,
        "Redis commands/s in chat step": rate(chatFrom, chatTo, chatS),
        "PostgreSQL connections": [...connections.values()].reduce((a, b) => a + b, 0),
        "PostgreSQL rows read/s idle (index scans/s)": `${Math.round((tablesTo.rows - tablesFrom.rows) / idleS)} (${Math.round((tablesTo.scans - tablesFrom.scans) / idleS)})`,
        "chat: offered/s → delivered/s": `${o.chatRate} → ${Math.round(sum((r) => r.deliveredInWindow) / (o.chatMs / 1000))}`,
        "send→receive p50 / p99 ms": `${formatMs(percentile(deliveries, 50))} / ${formatMs(percentile(deliveries, 99))}`,
        "unacked / undelivered": `${sum((r) => r.unacked)} / ${sum((r) => r.undelivered)}`,
      },
    ];
    const commands = topCalls(idleFrom, idleTo, idleS);
    return [
      `### cluster: ${o.nodes} nodes (PostgreSQL + Redis), ${o.processes} load processes, ${users.length} signed-in idle sockets; load average ${loadBefore} before, ${loadAfter} after`,
      "",
      table(nodeRows),
      "",
      table(clusterRows),
      "",
      `Handshakes tried again (a load process tries a socket up to 6 times, with backoff and jitter): ${describeRetries(retries)}.`,
      `Redis commands while idle, per second (the whole server's, other users of this Redis included): ${commands}`,
      `Chat step: ${chatPairs} pairs, each pair's two users on different nodes, ${o.chatRate} msgs/s offered for ${o.chatMs / 1000} s.`,
    ].join("\n");
  })();
  // Stopped by hand (Ctrl-C, SIGTERM), the run still stops its processes and removes its keys and schema.
  const stop = interrupted();
  run.catch(() => undefined);
  try {
    return await Promise.race([run, stop.signalled]);
  } finally {
    stop.dispose();
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(nodes.map((n) => n.stop()));
    await removeKeys(redis, prefix);
    redis.disconnect();
    await postgres.end();
    await store.drop();
  }
}

function interrupted(): { signalled: Promise<never>; dispose(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const signalled = new Promise<never>((_, reject) => (onSignal = (signal) => reject(new Error(`cluster idle: stopped by ${signal}`))));
  signalled.catch(() => undefined);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    signalled,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

function describeRetries(retries: Map<string, number>): string {
  if (retries.size === 0) return "no handshake retried";
  return [...retries].map(([reason, n]) => `${n} × ${reason}`).join(", ");
}

/** Signed-in sockets each node holds (its /health). */
function socketsOf(nodes: RunningServer[]): Promise<number[]> {
  return Promise.all(nodes.map(async (n) => ((await (await fetch(`${n.url}/health`)).json()) as { sockets: { users: number } }).sockets.users));
}

/** Sockets each node holds so far (while they connect: a long run says how it goes). */
async function logProgress(nodes: RunningServer[], began: number): Promise<void> {
  try {
    const held = await socketsOf(nodes);
    const total = held.reduce((a, b) => a + b, 0);
    const seconds = (performance.now() - began) / 1000;
    console.error(
      `cluster idle: ${total} sockets after ${seconds.toFixed(0)} s (${held.join(" + ")}), ${(total / seconds).toFixed(0)}/s, load ${loadavg()[0]!.toFixed(1)}`,
    );
  } catch (error) {
    console.error(`cluster idle: progress not read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function redisReading(redis: Redis): Promise<RedisReading> {
  const [memory, stats, commandstats] = await Promise.all([redis.info("memory"), redis.info("stats"), redis.info("commandstats")]);
  const calls = new Map<string, number>();
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return { usedMemory: field(memory, "used_memory"), commands: field(stats, "total_commands_processed"), calls, at: performance.now() };
}

function field(info: string, name: string): number {
  return Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? Number.NaN);
}

function rate(from: RedisReading, to: RedisReading, seconds: number): number {
  return Math.round((to.commands - from.commands) / seconds);
}

function callRate(from: RedisReading, to: RedisReading, command: string, seconds: number): number {
  return Math.round(((to.calls.get(command) ?? 0) - (from.calls.get(command) ?? 0)) / seconds);
}

function topCalls(from: RedisReading, to: RedisReading, seconds: number): string {
  return [...to.calls.keys()]
    .map((command) => [command, callRate(from, to, command, seconds)] as const)
    .filter(([, perSecond]) => perSecond > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([command, perSecond]) => `${command} ${perSecond}`)
    .join(", ");
}

async function postgresConnections(client: pg.Client, prefix: string): Promise<Map<string, number>> {
  const { rows } = await client.query<{ name: string; count: string }>(
    "SELECT application_name AS name, count(*) AS count FROM pg_stat_activity WHERE application_name LIKE $1 GROUP BY application_name",
    [`${prefix}%`],
  );
  return new Map(rows.map((r) => [r.name, Number(r.count)]));
}

/**
 * Rows the bench's schema has had read and the scans that read them so far (pg_stat_user_tables: the
 * whole schema is this run's, so nobody else's queries count; a backend reports within a second or so).
 */
async function tableReads(client: pg.Client, schema: string): Promise<{ rows: number; scans: number }> {
  const { rows } = await client.query<{ rows: string | null; scans: string | null }>(
    "SELECT sum(coalesce(idx_tup_fetch, 0) + seq_tup_read) AS rows, sum(coalesce(idx_scan, 0) + seq_scan) AS scans FROM pg_stat_user_tables WHERE schemaname = $1",
    [schema],
  );
  return { rows: Number(rows[0]?.rows ?? 0), scans: Number(rows[0]?.scans ?? 0) };
}

/** MESSAGE frames a node has written to its sockets so far (its /metrics). */
async function delivered(node: RunningServer): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return Number(/^easyqr_messages_delivered_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

async function removeKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
