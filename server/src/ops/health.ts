import type { HealthResponse } from "@easyqr/protocol";
import type { BusStatus } from "../cluster/bus.ts";
import { timed } from "./timed.ts";

export type SocketCounts = HealthResponse["sockets"];

export type HealthSources = {
  nodeId: string;
  /** `select 1`: true when the database answered. */
  database: () => Promise<boolean>;
  /** A Redis PING; undefined when cluster mode is off. */
  redis: (() => Promise<boolean>) | undefined;
  /** The cluster bus's own state (`realtime.status()`): "degraded" while its publisher or subscription is down. */
  bus: () => BusStatus;
  sockets: () => SocketCounts;
};

export type HealthAnswer = { httpStatus: 200 | 503; body: HealthResponse };

/** A check slower than this counts as down: a load balancer's own health check gives up soon after. */
export const CHECK_TIMEOUT_MS = 2_000;

/**
 * The node's health as GET /health answers it. Only a database that is down makes it 503: a node
 * that cannot commit a send is no use to anyone. Redis down is `degraded` and still 200, so a load
 * balancer keeps the node: sends still commit, and other nodes' clients catch up by resync.
 */
export function healthReport(sources: HealthSources): () => Promise<HealthAnswer> {
  const startedAt = performance.now();
  return async () => {
    const [database, redis] = await Promise.all([
      timed(sources.database, CHECK_TIMEOUT_MS),
      sources.redis ? timed(sources.redis, CHECK_TIMEOUT_MS) : undefined,
    ]);
    const databaseUp = database !== undefined;
    // The ping alone can answer while the bus's own connections are still away (or the reverse):
    // Redis is "ok" only when both are, since the bus is what carries events between nodes.
    const redisCheck = !sources.redis ? "absent" : redis !== undefined && sources.bus() === "ok" ? "ok" : "down";
    const status = !databaseUp ? "down" : redisCheck === "down" ? "degraded" : "ok";
    return {
      httpStatus: databaseUp ? 200 : 503,
      body: {
        status,
        node: sources.nodeId,
        uptimeSeconds: Math.floor((performance.now() - startedAt) / 1000),
        checks: { database: databaseUp ? "ok" : "down", redis: redisCheck },
        latencyMs: { ...(database !== undefined ? { database: round(database) } : {}), ...(redis !== undefined ? { redis: round(redis) } : {}) },
        sockets: sources.sockets(),
      },
    };
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
