import { createRequire } from "node:module";
import type * as IORedis from "ioredis";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

export type RedisConfig = Readonly<{ url: string; prefix: string }>;

/**
 * One connection to Redis for cluster mode. Commands fail at once while Redis is away instead of
 * queueing (a send must not wait on Redis: it commits to the database and the other nodes catch up
 * by resync); the client keeps reconnecting by itself, and each change of state is logged once.
 * `name` tells the connections apart in logs and `CLIENT LIST` (commands, subscriber, …).
 */
export function connectRedis(config: RedisConfig, name: string, log: Logger): Redis {
  // Loaded at the first connection: a node without REDIS_URL never needs ioredis (~20 MB of memory).
  const { Redis } = createRequire(import.meta.url)("ioredis") as typeof IORedis;
  const redis = new Redis(config.url, {
    connectionName: `easyqr-${name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
  let down = false;
  redis.on("ready", () => {
    if (down) log.warn({ redis: name }, "Redis is back");
    down = false;
  });
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    log.error({ redis: name, err: error.message }, "Redis is unavailable; retrying");
  });
  return redis;
}

/** Waits until the connection is ready (at start), or throws after `timeoutMs`. */
export async function redisReady(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
    redis.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
