import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { memoryLimiter, redisLimiter, type MakeLimiter } from "./limiters.ts";
import { RedisLinkStore } from "./linking/redisStore.ts";
import { MemoryLinkStore, type LinkStore } from "./linking/store.ts";
import { RedisPairingStore } from "./pairing/redisStore.ts";
import { MemoryPairingStore, type PairingStore } from "./pairing/store.ts";
import { RedisPresenceStore } from "./presence/redisStore.ts";
import { MemoryPresenceStore, type PresenceStore } from "./presence/store.ts";
import { connectRedis, redisReady } from "./redis/connect.ts";

/** The state every node must see the same: in this process by default, in Redis when REDIS_URL is set. */
export type SharedState = {
  presence: PresenceStore;
  pairing: PairingStore;
  links: LinkStore;
  limiter: MakeLimiter;
  /** The connection the stores use (cluster mode only). */
  redis: Redis | undefined;
  close(): Promise<void>;
};

export async function sharedState(config: Config, log: Logger): Promise<SharedState> {
  if (!config.redis) {
    const none = () => Promise.resolve();
    return {
      presence: new MemoryPresenceStore(),
      pairing: new MemoryPairingStore(),
      links: new MemoryLinkStore(),
      limiter: memoryLimiter,
      redis: undefined,
      close: none,
    };
  }
  const { prefix } = config.redis;
  const redis = connectRedis(config.redis, "state", log);
  // Redis away at start: the node starts degraded (as the bus does) and the client keeps trying;
  // until it answers, what lives there (presence, pairing and link sessions) is refused with an error.
  await redisReady(redis, 5_000).catch((error: unknown) =>
    log.error({ err: (error as Error).message }, "shared state degraded at start: Redis is not reachable; retrying"),
  );
  return {
    presence: new RedisPresenceStore(redis, prefix),
    pairing: new RedisPairingStore(redis, prefix),
    links: new RedisLinkStore(redis, prefix),
    limiter: redisLimiter(redis, prefix),
    redis,
    async close() {
      // A connection already gone (a test's dying node) has nothing left to say goodbye to.
      if (redis.status === "end") return;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
