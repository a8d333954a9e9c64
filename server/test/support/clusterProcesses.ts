import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { testNodes } from "./harness.ts";
import { keysUnder, testRedisUrl } from "./redis.ts";
import { freePort, spawnServer, type ServerProcess } from "./serverProcess.ts";

/** Several real server processes of one cluster (`npm run cluster` without nginx): one store, one Redis prefix. */
export type ClusterProcesses = {
  /** Node i's process (`node-<i+1>`); a killed one stays here until `restart(i)`. */
  nodes: ServerProcess[];
  ports: number[];
  /** Starts node i again on its port, with its settings. */
  restart(i: number): Promise<ServerProcess>;
  /** Stops every node that runs and deletes the cluster's Redis keys. */
  stop(): Promise<void>;
};

/**
 * Whether the fault tests of cluster mode run here, or why not: in the cluster suite only
 * (`npm run test:integration:cluster`), which sets PostgreSQL, Redis and TEST_NODES; the SQLite and
 * PostgreSQL runs of the same files skip them, so they run once per `npm test`.
 */
export function clusterFaultsSkip(): string | false {
  const database = process.env.DATABASE_URL ?? "";
  const clusterSuite = /^postgres(ql)?:/.test(database) && process.env.REDIS_URL?.startsWith("redis:") && testNodes() > 1;
  return clusterSuite
    ? false
    : "runs in the cluster suite only: DATABASE_URL=postgres://…, REDIS_URL=redis://…, TEST_NODES=3 (npm run test:integration:cluster)";
}

/**
 * How long a node may take to answer /health. Each start runs Kysely's migration check, which holds
 * one advisory lock for the whole PostgreSQL database: behind other test runs' migrations of their
 * fresh schemas (on a busy 2-core machine), 30 s was seen to run out.
 */
const START_TIMEOUT_MS = 90_000;

/**
 * `count` nodes, each a process of its own (`server/src/main.ts`) with its NODE_ID and port, over the
 * store's database and a fresh Redis prefix. `env` adds or overrides settings for every node (a
 * REDIS_URL or DATABASE_URL through a cuttable proxy).
 */
export async function spawnCluster(storeEnv: Record<string, string>, count: number, env: Record<string, string> = {}): Promise<ClusterProcesses> {
  const redisUrl = env.REDIS_URL ?? testRedisUrl;
  const prefix = `test-${randomBytes(6).toString("hex")}:`;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const settings = (i: number) => ({ ...storeEnv, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, NODE_ID: `node-${i + 1}`, ...env });
  const nodes: ServerProcess[] = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
    try {
      const keys = await keysUnder(redis, prefix);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  };
  try {
    // One after the other: the first applies the migrations, the others find them done.
    for (let i = 0; i < count; i++) nodes.push(await spawnServer(settings(i), ports[i]!, START_TIMEOUT_MS));
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    nodes,
    ports,
    async restart(i) {
      const node = await spawnServer(settings(i), ports[i]!, START_TIMEOUT_MS);
      nodes[i] = node;
      return node;
    },
    stop: stopAll,
  };
}
