import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Hub } from "../realtime/hub.ts";
import { localSockets, type LocalHandlers, type Sockets } from "../realtime/sockets.ts";
import { ClusterBus, type BusCounts, type BusStatus } from "./bus.ts";

export type RealtimeCounts = BusCounts & { held: number; holdsTimedOut: number };
const none: RealtimeCounts = { published: 0, received: 0, lost: 0, held: 0, holdsTimedOut: 0 };

/** How this node reaches sockets, and the state of its link to the other nodes (for /health and /metrics). */
export type Realtime = {
  sockets: Sockets;
  /** "degraded": in cluster mode, Redis is away and events of this node do not reach the others (or theirs this one). */
  status(): BusStatus;
  /** Batches published, received and lost; chat changes held for a predecessor, and holds that ran out (cluster mode; zeros in process). */
  counts(): RealtimeCounts;
  close(): Promise<void>;
};

/** In process (no REDIS_URL): this node's Hub, exactly as before. With REDIS_URL: the cluster bus over it. */
export async function openRealtime(config: Pick<Config, "redis" | "nodeId">, hub: Hub, handlers: LocalHandlers, log: Logger): Promise<Realtime> {
  const local = localSockets(hub, handlers);
  if (!config.redis) return { sockets: local, status: () => "ok", counts: () => none, close: () => Promise.resolve() };
  const bus = await ClusterBus.start(local, hub, handlers, config.redis, config.nodeId, log);
  return {
    sockets: bus.sockets,
    status: () => bus.status(),
    counts: () => ({ ...bus.counts, held: bus.order.counts.held, holdsTimedOut: bus.order.counts.timedOut }),
    close: () => bus.close(),
  };
}
