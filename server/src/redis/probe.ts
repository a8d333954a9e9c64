import type { Logger } from "pino";
import { connectRedis, type RedisConfig } from "./connect.ts";

export type RedisPinger = { ping(): Promise<boolean>; close(): void };

/**
 * PINGs Redis on a connection of its own, for /health and the latency metric. While Redis is away a
 * PING fails at once (the connection queues nothing). /health also reads the cluster bus's own
 * status: a PING that answers says nothing of the bus's subscription.
 */
export function redisPinger(config: RedisConfig, log: Logger): RedisPinger {
  const redis = connectRedis(config, "probe", log);
  return {
    ping: () =>
      redis.ping().then(
        (answer) => answer === "PONG",
        () => false,
      ),
    close: () => redis.disconnect(),
  };
}
