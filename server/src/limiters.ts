import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";

export type LimiterOptions = { keyPrefix: string; points: number; duration: number };
/** Makes the counters behind a limit (guessed codes, failed handshakes): in process, or shared by all nodes. */
export type MakeLimiter = (options: LimiterOptions) => RateLimiterAbstract;

export const memoryLimiter: MakeLimiter = (options) => new RateLimiterMemory(options);

/**
 * Counters in Redis, shared by every node (cluster mode), under `<prefix>rl:`. While Redis is away
 * each node counts in its own memory instead (the insurance limiter): the limits hold per node and
 * nothing is refused for Redis' sake.
 */
export function redisLimiter(redis: Redis, prefix: string): MakeLimiter {
  return (options) =>
    new RateLimiterRedis({
      ...options,
      keyPrefix: `${prefix}rl:${options.keyPrefix}`,
      storeClient: redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
}
