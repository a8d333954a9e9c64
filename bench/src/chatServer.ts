import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as thisSupport from "@easyqr/server/test-support";
import type { EngineName, SeededUser, Store } from "@easyqr/server/test-support";
import { startServer, type RunningServer } from "./processes.ts";

/**
 * Settings the bench server runs with: the per-socket message limit (a guard against one
 * misbehaving client) raised far above what the load generator offers per user.
 */
export const benchServerEnv: Record<string, string> = { CHAT_MESSAGES_PER_SECOND: "100000", CHAT_MESSAGE_BURST: "100000" };

/** `servers`: every node (one unless `nodes` was asked for); `server` is the first. */
export type SeededServer = { server: RunningServer; servers: RunningServer[]; users: SeededUser[]; store: Store };

/** Where the cluster bench's nodes meet: REDIS_URL, or the local Redis the tests use. */
export const benchRedisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A fresh database (SQLite file or PostgreSQL schema) with `users` seeded users (2i and 2i+1
 * connected), a server process on it, `work`, then everything stopped and dropped. With `nodes`
 * over 1, that many server processes share the database and a Redis key prefix of their own
 * (cluster mode), node k pinned to core k mod 2; the prefix's keys are deleted afterwards.
 */
export async function withServer<T>(
  engine: EngineName,
  users: number,
  work: (s: SeededServer) => Promise<T>,
  options: {
    connectPairs?: boolean;
    beforeStart?: (store: Store, users: SeededUser[]) => Promise<void>;
    env?: Record<string, string>;
    nodeArgs?: string[];
    /** Another checkout's server (see startServer). */
    serverRoot?: string;
    /** Server processes in cluster mode (1: a single node, no Redis). */
    nodes?: number;
  } = {},
): Promise<T> {
  const nodes = options.nodes ?? 1;
  if (nodes > 1 && engine !== "postgres") throw new Error("--nodes over 1 needs --engine=postgres (cluster mode)");
  // Another checkout's server gets its database from that checkout's own seeding: its migrations, not ours.
  const { clearRedisPrefix, freshStore, seedUsers } = options.serverRoot ? await supportOf(options.serverRoot) : thisSupport;
  const store = freshStore(engine);
  const redisPrefix = `bench:${randomBytes(4).toString("hex")}:`;
  const cluster = (k: number): Record<string, string> => (nodes > 1 ? { REDIS_URL: benchRedisUrl, REDIS_PREFIX: redisPrefix, NODE_ID: `bench-${k}` } : {});
  const servers: RunningServer[] = [];
  try {
    const seeded = await seedUsers(store.env, users, { prefix: "bench", connectPairs: options.connectPairs ?? true });
    await options.beforeStart?.(store, seeded);
    // One at a time: the first applies the migrations.
    for (let k = 0; k < nodes; k++)
      servers.push(await startServer({ ...store.env, ...benchServerEnv, ...cluster(k), ...options.env }, options.nodeArgs, options.serverRoot, k % 2));
    return await work({ server: servers[0]!, servers, users: seeded, store });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    if (nodes > 1) await clearRedisPrefix(benchRedisUrl, redisPrefix);
    await store.drop();
  }
}

/** Another checkout's test support (its migrations, its seeding). */
export const supportOf = (checkout: string): Promise<typeof thisSupport> =>
  import(pathToFileURL(join(checkout, "server/test/support/index.ts")).href) as Promise<typeof thisSupport>;

/** Opens the chat of each pair (user 2i asks for the chat with 2i+1): `POST /api/chats`. */
export async function openChats(url: string, users: SeededUser[]): Promise<string[]> {
  const pairs = Math.floor(users.length / 2);
  const ids: string[] = new Array<string>(pairs);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < pairs; i = next++) {
      const response = await fetch(`${url}/api/chats`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${users[2 * i]!.accessToken}` },
        body: JSON.stringify({ userId: users[2 * i + 1]!.id }),
      });
      const body = (await response.json()) as { id?: string };
      if (!response.ok || !body.id) throw new Error(`POST /api/chats: ${response.status} ${JSON.stringify(body)}`);
      ids[i] = body.id;
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return ids;
}

/** Loopback source addresses 127.0.0.2…: each has its own ~28,000 ephemeral ports. */
export function sourceIps(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`);
}
