import type { Logger } from "pino";
import { redisPinger } from "../redis/probe.ts";
import type { RedisConfig } from "../redis/connect.ts";
import type { BusStatus } from "../cluster/bus.ts";
import { healthReport, type HealthAnswer, type SocketCounts } from "./health.ts";
import { Metrics } from "./metrics.ts";

export { PROBE_EVERY_MS } from "./metrics.ts";

/** What an operator sees of a node: /health and /metrics. */
export type Operations = { health: () => Promise<HealthAnswer>; metrics: Metrics; close(): void };

export function operations(o: {
  nodeId: string;
  redis: RedisConfig | undefined;
  database: () => Promise<boolean>;
  /** The cluster bus's state (`realtime.status()`), part of /health's and /metrics' Redis check. */
  bus: () => BusStatus;
  sockets: () => SocketCounts;
  messagesDelivered: () => number;
  log: Logger;
}): Operations {
  const pinger = o.redis ? redisPinger(o.redis, o.log) : undefined;
  const database = watched(o.database, o.log);
  const sources = { nodeId: o.nodeId, database, redis: pinger && (() => pinger.ping()), sockets: o.sockets };
  return {
    health: healthReport({ ...sources, bus: o.bus }),
    metrics: new Metrics({ ...sources, bus: o.bus, messagesDelivered: o.messagesDelivered }),
    close: () => pinger?.close(),
  };
}

/**
 * The database check, logging each change between up and down once: the one line an operator reads
 * for an outage (requests meanwhile are refused as UNAVAILABLE without a line each). The probe asks
 * every PROBE_EVERY_MS, so a change is logged within that.
 */
function watched(ping: () => Promise<boolean>, log: Logger): () => Promise<boolean> {
  let up = true;
  return async () => {
    const answered = await ping();
    if (answered !== up) {
      up = answered;
      if (answered) log.warn("database is back: requests are served again");
      else log.error("database unavailable: sends and requests are refused with UNAVAILABLE (retryable) until it answers");
    }
    return answered;
  };
}
