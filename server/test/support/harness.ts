import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import { pino } from "pino";
import { buildApp, type App, type AppOptions } from "../../src/app.ts";
import { ManualClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { clearRedisPrefix } from "./redis.ts";
import { roundRobin } from "./roundRobin.ts";

export type LogLine = { level: number; msg: string; [key: string]: unknown };

export type TestServer = {
  /** The first node. */
  app: App;
  /** Every node: one, or TEST_NODES of them sharing the database, clock and a fresh Redis prefix. */
  nodes: App[];
  /** The server's URL (with several nodes: a round-robin TCP proxy in front of them). */
  url: string;
  clock: ManualClock;
  logs: LogLine[];
  dataDir: string;
  /** PostgreSQL schema of this server's data (undefined on SQLite). */
  schema: string | undefined;
  /** REDIS_URL and REDIS_PREFIX of this server's cluster (none in process): a node joining it (`nodeOf`) gets them. */
  redisEnv: Record<string, string> | undefined;
  /** Runs the pairing and link sweepers once, as their timer would. */
  tick(): Promise<void>;
  close(): Promise<void>;
};

export type TestServerOptions = Partial<Omit<AppOptions, "config" | "clock" | "logger">> & {
  /** Extra settings, as environment variables (OTP_DRIVER, SMTP_URL, …). */
  env?: Record<string, string>;
  /**
   * A second node of this server's cluster: the same database, clock, app secret and Redis prefix
   * (pass the presence store too to share it). Its data is left in place when it closes.
   */
  nodeOf?: TestServer;
};

/** How many nodes `startServer` starts: TEST_NODES (the cluster suite sets 3, with REDIS_URL and DATABASE_URL), else one. */
export function testNodes(): number {
  const nodes = Number(process.env.TEST_NODES ?? 1);
  return Number.isInteger(nodes) && nodes > 1 ? nodes : 1;
}

/** A fresh Redis prefix on REDIS_URL (default: the local Redis): tests sharing one Redis never hear each other. */
export function freshRedisEnv(): Record<string, string> {
  return { REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", REDIS_PREFIX: `test-${randomBytes(6).toString("hex")}:` };
}

/**
 * A real server on a random port, with a clock the test moves and its log lines captured.
 * Its data is its own: a fresh SQLite file, or with DATABASE_URL set a fresh PostgreSQL
 * schema that is dropped on close.
 */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const nodes = options.nodeOf ? 1 : testNodes();
  return nodes > 1 ? startCluster(options, nodes) : startNode(options, []);
}

/**
 * `count` in-process nodes behind a round-robin proxy: one database, clock and Redis prefix (their
 * shared state), every node's log lines in one list. `app` is the first node; `tick` and `close`
 * go to all.
 */
async function startCluster(options: TestServerOptions, count: number): Promise<TestServer> {
  let ports: number[] = [];
  const proxy = await roundRobin(() => ports);
  // TLS passes through the TCP proxy: with `tls` the nodes, and so the proxy's URL, are https.
  const url = options.tls ? proxy.url.replace(/^http:/, "https:") : proxy.url;
  let started: TestServer[];
  try {
    started = await startNodes(count, { ...options, env: { PUBLIC_URL: url, ...options.env } });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  ports = started.map((node) => Number(new URL(node.url).port));
  const [first] = started as [TestServer, ...TestServer[]];
  return {
    ...first,
    url,
    tick: () => first.tick(),
    async close() {
      await proxy.close();
      await first.close();
    },
  };
}

/**
 * `count` nodes of one cluster, each with its own URL (tests that place each client on a chosen
 * node): one database, clock and fresh Redis prefix (their shared state; its keys deleted at
 * close), every node's log lines in one list. The first one's `nodes`
 * are all of them, its `tick` and `close` go to all (close it alone; the others' close only
 * theirs).
 */
export async function startNodes(count: number, options: TestServerOptions = {}): Promise<TestServer[]> {
  const started: TestServer[] = [];
  const logs: LogLine[] = [];
  const redisEnv = freshRedisEnv();
  try {
    for (let i = 1; i <= count; i++) {
      const nodeOf = started[0];
      const env = { ...redisEnv, ...options.env, NODE_ID: `node-${i}` };
      started.push(await startNode({ ...options, env, ...(nodeOf ? { nodeOf } : {}) }, logs, redisEnv));
    }
  } catch (error) {
    for (const node of started.reverse()) await node.close();
    throw error;
  }
  const [first, ...others] = started as [TestServer, ...TestServer[]];
  const all: TestServer = {
    ...first,
    nodes: started.map((node) => node.app),
    tick: async () => {
      for (const node of started) await node.tick();
    },
    async close() {
      // The first node last: it drops the schema and data the others share.
      for (const node of others.reverse()) await node.close();
      await first.close();
      await dropRedisKeys(redisEnv);
    },
  };
  return [all, ...others];
}

async function startNode(options: TestServerOptions, logs: LogLine[], clusterEnv?: Record<string, string>): Promise<TestServer> {
  const { env: extraEnv = {}, nodeOf, ...appOptions } = options;
  const redisEnv = clusterEnv ?? nodeOf?.redisEnv;
  const env = { ...redisEnv, ...extraEnv };
  const dataDir = nodeOf?.dataDir ?? mkdtempSync(join(tmpdir(), "easyqr-test-"));
  const databaseUrl = process.env.DATABASE_URL;
  const schema = nodeOf ? nodeOf.schema : databaseUrl ? `test_${randomBytes(6).toString("hex")}` : undefined;
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    ...(databaseUrl && schema ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } : {}),
    ...env,
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const clock = nodeOf?.clock ?? new ManualClock(Date.now());
  const app = await buildApp({ config, clock, logger: pino({ level: "info" }, sink), tickMs: 0, ...appOptions });
  const url = await app.listen();
  return {
    app,
    nodes: [app],
    url,
    clock,
    logs,
    dataDir,
    schema,
    redisEnv,
    tick: async () => {
      await app.pairing.tick(app.gateway.pairingSessionIds());
      await app.links.tick();
    },
    async close() {
      await app.close();
      if (nodeOf) return;
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl && schema) await dropSchema(databaseUrl, schema);
    },
  };
}

/** Deletes every key of this cluster's Redis prefix (the stores' safety TTLs would, in an hour). */
async function dropRedisKeys(env: Record<string, string>): Promise<void> {
  const { REDIS_URL: url, REDIS_PREFIX: prefix } = env;
  if (url && prefix) await clearRedisPrefix(url, prefix);
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
