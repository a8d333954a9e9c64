import { randomBytes } from "node:crypto";
import type { TestContext } from "node:test";
import { testNodes } from "./harness.ts";
import { clearRedisPrefix, testRedisUrl } from "./redis.ts";
import { freePort, spawnServer, type ServerProcess } from "./serverProcess.ts";

/**
 * Real server processes over one store, as the fault tests kill and restart them: one alone
 * (`spawnAlone`), or the nodes of a cluster (`spawnCluster`, `npm run cluster` without nginx).
 */
export type NodeProcesses = {
  /** Node i's process (`node-<i+1>`); a killed one stays here until `restart(i)`. */
  nodes: ServerProcess[];
  ports: number[];
  /** Starts node i again on its port, with its settings, on the same data. */
  restart(i: number): Promise<ServerProcess>;
  /** Each node's last output lines as diagnostics of `t`, for a failure. */
  report(t: TestContext): void;
  /** Stops every node that runs (and deletes the cluster's Redis keys). */
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
 * How long a cluster node may take to answer /health. Each start runs Kysely's migration check, which
 * holds one advisory lock for the whole PostgreSQL database: behind other test runs' migrations of
 * their fresh schemas (on a busy 2-core machine), 30 s was seen to run out.
 */
const CLUSTER_START_TIMEOUT_MS = 90_000;

/** One server process over the store's data alone (no Redis). */
export function spawnAlone(storeEnv: Record<string, string>): Promise<NodeProcesses> {
  return spawnNodes(1, () => storeEnv);
}

/**
 * `count` nodes, each a process of its own with its NODE_ID and port, over the store's database and a
 * fresh Redis prefix. `env` adds or overrides settings for every node (a REDIS_URL or DATABASE_URL
 * through a cuttable proxy).
 */
export function spawnCluster(storeEnv: Record<string, string>, count: number, env: Record<string, string> = {}): Promise<NodeProcesses> {
  const prefix = `test-${randomBytes(6).toString("hex")}:`;
  const settings = (i: number) => ({ ...storeEnv, REDIS_URL: testRedisUrl, REDIS_PREFIX: prefix, NODE_ID: `node-${i + 1}`, ...env });
  return spawnNodes(count, settings, CLUSTER_START_TIMEOUT_MS, () => clearRedisPrefix(testRedisUrl, prefix));
}

async function spawnNodes(
  count: number,
  settings: (i: number) => Record<string, string>,
  startTimeoutMs?: number,
  cleanUp: () => Promise<void> = () => Promise.resolve(),
): Promise<NodeProcesses> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const start = (i: number) => spawnServer(settings(i), ports[i]!, startTimeoutMs);
  const nodes: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await cleanUp();
  };
  try {
    // One after the other: the first applies the migrations, the others find them done.
    for (let i = 0; i < count; i++) nodes.push(await start(i));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    ports,
    async restart(i) {
      nodes[i] = await start(i);
      return nodes[i];
    },
    report(t) {
      for (const node of nodes) t.diagnostic(`${node.url} output:\n${node.output()}`);
    },
    stop,
  };
}
