import { randomBytes } from "node:crypto";
import type { TestContext } from "node:test";
import { Redis } from "ioredis";

export const testRedisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix of its own on the test Redis, its connections, and its keys. */
export type ScratchRedis = {
  prefix: string;
  /** The first connection; `connect()` opens more (another node's). */
  redis: Redis;
  connect(): Redis;
  /** Every key under the prefix. */
  keys(): Promise<string[]>;
};

/**
 * A fresh prefix on the test Redis (127.0.0.1:6379, always running, CI included) for one test:
 * when the test ends its keys are deleted and its connections closed.
 */
export async function scratchRedis(t: TestContext): Promise<ScratchRedis> {
  const prefix = `test:${randomBytes(6).toString("hex")}:`;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  const redis = connect();
  await redis.ping();
  const keys = () => keysUnder(redis, prefix);
  t.after(async () => {
    const left = await keys();
    if (left.length > 0) await redis.del(...left);
    await Promise.all(connections.map(close));
  });
  return { prefix, redis, connect, keys };
}

export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}

/** Every key under the prefix expires within `ttlMs` (none is kept forever), then none is left once it passed. */
export async function assertKeysExpire(scratch: ScratchRedis, ttlMs: number): Promise<void> {
  const keys = await scratch.keys();
  if (keys.length === 0) throw new Error("the store wrote no keys");
  for (const key of keys) {
    const pttl = await scratch.redis.pttl(key);
    if (pttl <= 0 || pttl > ttlMs) throw new Error(`${key} expires in ${pttl} ms; the safety TTL is ${ttlMs} ms`);
  }
  await new Promise((resolve) => setTimeout(resolve, ttlMs + 50));
  const left = await scratch.keys();
  if (left.length > 0) throw new Error(`keys outlived their safety TTL: ${left.join(", ")}`);
}

/** Deletes every key under `prefix` (what a bench's cluster nodes left). */
export async function clearRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys = await keysUnder(redis, prefix);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await close(redis);
  }
}

async function close(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  await redis.quit().catch(() => redis.disconnect());
}
