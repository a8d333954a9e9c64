import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ChatStore } from "../chat/store/index.ts";
import type { BusStatus } from "../cluster/bus.ts";
import type { SocketCounts } from "./health.ts";
import { CHECK_TIMEOUT_MS } from "./health.ts";
import { timed } from "./timed.ts";

export type MetricSources = {
  nodeId: string;
  sockets: () => SocketCounts;
  /** MESSAGE frames handed to this node's sockets so far. */
  messagesDelivered: () => number;
  database: () => Promise<boolean>;
  /** A Redis PING; undefined when cluster mode is off. */
  redis: (() => Promise<boolean>) | undefined;
  /** The cluster bus's own state (`realtime.status()`): Redis counts as up only while it is "ok", as /health's check does. */
  bus: () => BusStatus;
};

/** How often the database and Redis are pinged for their latency (and `easyqr_check_up`). */
export const PROBE_EVERY_MS = 5_000;

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * This node's Prometheus metrics (docs/operations.md says what each means), every series labelled
 * `node`. The message path only adds to plain numbers and observes one histogram per SEND; the
 * counters read those numbers when Prometheus scrapes.
 */
export class Metrics {
  readonly registry = new Registry();
  private messagesSent = 0;
  private sendPauses = 0;
  private readonly sendAck: Histogram;
  private readonly chatWrite: Histogram;
  private readonly databasePing: Histogram;
  private readonly redisPing: Histogram;
  private readonly up: Gauge<"check">;

  constructor(private readonly sources: MetricSources) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ node: sources.nodeId });
    // Process CPU, memory, handles, GC, and event-loop lag (nodejs_eventloop_lag_* from perf_hooks, sampled every 10 ms).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    new Gauge({
      name: "easyqr_sockets",
      help: "Open sockets on this node by kind: users (signed in), pairing (desktop and phone), link (desktops waiting to be linked)",
      labelNames: ["kind"],
      registers,
      collect() {
        for (const [kind, count] of Object.entries(sources.sockets())) this.set({ kind }, count);
      },
    });
    counterOf(
      registers,
      "easyqr_messages_sent_total",
      "Messages stored and acknowledged to their sender (a resend of a stored one not counted again)",
      () => this.messagesSent,
    );
    counterOf(
      registers,
      "easyqr_messages_delivered_total",
      "MESSAGE frames written to sockets of this node (one per receiving device)",
      sources.messagesDelivered,
    );
    counterOf(
      registers,
      "easyqr_send_backlog_pauses_total",
      "Sockets that stopped being read because the send backlog was full (more offered than the database commits)",
      () => this.sendPauses,
    );
    this.sendAck = new Histogram({
      name: "easyqr_send_ack_seconds",
      help: "From a SEND read off its socket to its ACK (after the commit)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.chatWrite = new Histogram({
      name: "easyqr_db_chat_write_seconds",
      help: "Chat store transactions (a send batch, an edit, a receipt), begin to commit, including the wait for the chat's previous one",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.databasePing = new Histogram({ name: "easyqr_db_ping_seconds", help: "Database round trip (select 1)", buckets: LATENCY_BUCKETS, registers });
    this.redisPing = new Histogram({ name: "easyqr_redis_ping_seconds", help: "Redis round trip (PING)", buckets: LATENCY_BUCKETS, registers });
    this.up = new Gauge({
      name: "easyqr_check_up",
      help: "1 when the last probe of the check (database, redis) answered, else 0; redis is also 0 while the cluster bus is degraded",
      labelNames: ["check"],
      registers,
    });
  }

  /** ChatSocket's SendStats. */
  readonly sends = {
    acked: (ms: number, fresh: boolean): void => {
      this.sendAck.observe(ms / 1000);
      if (fresh) this.messagesSent += 1;
    },
    paused: (): void => {
      this.sendPauses += 1;
    },
  };

  /** The chat store, its transactions timed. */
  timeWrites(store: ChatStore): ChatStore {
    const histogram = this.chatWrite;
    return {
      read: (work) => store.read(work),
      async write(work, turn) {
        const startedAt = performance.now();
        try {
          return await store.write(work, turn);
        } finally {
          histogram.observe((performance.now() - startedAt) / 1000);
        }
      },
    };
  }

  /** Pings the database and Redis once (every PROBE_EVERY_MS). */
  async probe(): Promise<void> {
    const { database, redis } = this.sources;
    const [databaseMs, redisMs] = await Promise.all([timed(database, CHECK_TIMEOUT_MS), redis ? timed(redis, CHECK_TIMEOUT_MS) : undefined]);
    this.record("database", this.databasePing, databaseMs, databaseMs !== undefined);
    // A PING can answer while the bus's publisher or subscription is still away: events then do not cross nodes.
    if (redis) this.record("redis", this.redisPing, redisMs, redisMs !== undefined && this.sources.bus() === "ok");
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private record(check: string, histogram: Histogram, ms: number | undefined, up: boolean): void {
    this.up.set({ check }, up ? 1 : 0);
    if (ms !== undefined) histogram.observe(ms / 1000);
  }
}

/** A counter whose total is kept elsewhere as a plain number (cheaper on the hot path than `inc()`); read at each scrape. */
function counterOf(registers: Registry[], name: string, help: string, total: () => number): void {
  let reported = 0;
  new Counter({
    name,
    help,
    registers,
    collect() {
      const now = total();
      this.inc(now - reported);
      reported = now;
    },
  });
}
