import { randomBytes } from "node:crypto";
import { encodeFrame, type EncodedFrame, type ServerEvent } from "@easyqr/protocol";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { FanoutOptions } from "../fanout.ts";
import type { Target } from "../pairing/service.ts";
import { keyOf, type Hub } from "../realtime/hub.ts";
import { closeReason, toLinkPeer, type LocalHandlers, type Sockets } from "../realtime/sockets.ts";
import { connectRedis, redisReady, type RedisConfig } from "../redis/connect.ts";
import { BatchBuilder, decodeBatch, encodeBatch, type Batch, type Delivery } from "./batch.ts";
import { ChatOrder } from "./chatOrder.ts";
import { SocketDirectory } from "./directory.ts";

export type BusStatus = "ok" | "degraded";

/** Counters for tests, /metrics and the ADR's figures. */
export type BusCounts = { published: number; received: number; lost: number };

/**
 * Cluster mode's delivery (docs/adr/0009-cluster-fan-out.md): every call reaches this node's own
 * sockets at once, as in process, and is queued for the others; at the end of the event-loop turn
 * the queue goes out as ONE message on the one channel all nodes subscribe to. Each node delivers a
 * batch to its own sockets and skips its own batches. A group event is one frame text with its
 * member list; a send batch's events are one publish.
 *
 * Redis away: deliveries here go on; the others' part is dropped and counted. When Redis is back,
 * this node tells every node's signed-in sockets to catch up (RESYNC) if it dropped any, and its
 * own sockets too since it may have missed the others' (its subscription was down).
 */
export class ClusterBus {
  readonly sockets: Sockets;
  readonly counts: BusCounts = { published: 0, received: 0, lost: 0 };
  private readonly origin: string;
  private readonly channel: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly directory: SocketDirectory;
  private readonly queue = new BatchBuilder();
  /** Every chat change this node delivers, its own and the others', passes here (per-chat rev order). */
  readonly order = new ChatOrder();
  private flushing = false;
  /** Set when a batch could not be published: the others must resync once Redis is back. */
  private lostSince: number | undefined;
  /** Whether this node hears the channel now; and whether it ever did (then a new subscription means events were missed). */
  private subscribed = false;
  private everSubscribed = false;
  private resubscribing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly local: Sockets,
    private readonly hub: Hub,
    private readonly handlers: LocalHandlers,
    config: RedisConfig,
    nodeId: string,
    private readonly log: Logger,
  ) {
    // NODE_ID names the node for people; the random part keeps two processes given the same name apart.
    this.origin = `${nodeId}/${randomBytes(4).toString("hex")}`;
    this.channel = `${config.prefix}bus`;
    this.publisher = connectRedis(config, "bus-publish", log);
    this.subscriber = connectRedis(config, "bus-subscribe", log);
    this.directory = new SocketDirectory(this.publisher, config.prefix, this.origin, () => hub.watchedIds(), log);
    hub.watch((id, here) => this.directory.changed(id, here));
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    this.subscriber.on("close", () => (this.subscribed = false));
    this.subscriber.on("ready", () => void this.subscriptionBack());
    this.publisher.on("ready", () => this.publisherBack());
    this.sockets = this.clusterSockets();
  }

  /** Connects and subscribes; with Redis away at start the node starts degraded and catches up later. */
  static async start(local: Sockets, hub: Hub, handlers: LocalHandlers, config: RedisConfig, nodeId: string, log: Logger): Promise<ClusterBus> {
    const bus = new ClusterBus(local, hub, handlers, config, nodeId, log);
    try {
      await Promise.all([redisReady(bus.publisher, 5_000), redisReady(bus.subscriber, 5_000)]);
      await bus.subscriptionBack();
    } catch (error) {
      log.error({ err: (error as Error).message }, "cluster fan-out degraded at start: Redis is not reachable; events stay on this node until it is");
    }
    return bus;
  }

  status(): BusStatus {
    return this.publisher.status === "ready" && this.subscribed ? "ok" : "degraded";
  }

  async close(): Promise<void> {
    this.closed = true;
    this.directory.close();
    this.order.close();
    this.flush();
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => this.publisher.disconnect());
  }

  private clusterSockets(): Sockets {
    const { local, queue } = this;
    return {
      toUser: (userId: string, event: ServerEvent | EncodedFrame, options?: FanoutOptions) => {
        const frame = "encoded" in event ? event : encodeFrame(event);
        const order = options?.order;
        if (order) this.order.deliver(order, () => local.toUser(userId, frame, options));
        else local.toUser(userId, frame, options);
        queue.toUser(userId, frame, options?.droppable ?? false, order);
        this.schedule();
      },
      inOrder: (order, run) => this.order.deliver(order, run),
      toPairing: (sessionId: string, target: Target, event: ServerEvent) => {
        const frame = encodeFrame(event);
        const key = keyOf(target);
        this.hub.publishToKey(sessionId, key, frame);
        this.enqueue({ kind: "pairing", frame: queue.frame(frame), sessionId, key });
      },
      toLink: (linkId, event, end) => {
        // A link's desktop has one socket: here, or the others are told.
        if (this.hub.linkPeer(linkId)) return local.toLink(linkId, event, end);
        this.enqueue({ kind: "link", frame: event ? queue.frame(encodeFrame(event)) : undefined, linkId, close: end ? closeReason(event) : undefined });
      },
      toSession: (sessionId, event) => {
        local.toSession(sessionId, event);
        this.enqueue({ kind: "session", frame: queue.frame(encodeFrame(event)), sessionId });
      },
      online: async (ids) => {
        const here = await local.online(ids);
        const away = await this.directory.elsewhere(ids.filter((id) => !here.has(id)));
        return new Set([...here, ...away]);
      },
      dropSessions: (sessionIds) => {
        local.dropSessions(sessionIds);
        this.enqueue({ kind: "drop", sessionIds: [...sessionIds] });
      },
      scanConfirmed: (targetSessionId, scanId) => {
        local.scanConfirmed(targetSessionId, scanId);
        this.enqueue({ kind: "scanConfirmed", targetSessionId, scanId });
      },
    };
  }

  private enqueue(delivery: Parameters<BatchBuilder["add"]>[0]): void {
    this.queue.add(delivery);
    this.schedule();
  }

  /** Everything asked for in this turn of the event loop leaves as one publish, in the order asked. */
  private schedule(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = false;
    if (this.queue.empty) return;
    const batch = this.queue.take(this.origin);
    if (this.publisher.status !== "ready") return this.lost(batch);
    this.counts.published += 1;
    this.publisher.publish(this.channel, encodeBatch(batch)).catch(() => this.lost(batch));
  }

  private lost(batch: Batch): void {
    this.counts.lost += 1;
    if (this.lostSince !== undefined) return;
    this.lostSince = Date.now();
    // A publish that failed in flight while the connection came back: "ready" has passed already.
    if (this.publisher.status === "ready") setImmediate(() => this.publisherBack());
    this.log.error(
      { node: this.origin, deliveries: batch.deliveries.length },
      "cluster fan-out degraded: this node's events do not reach the other nodes; their clients resync when Redis is back",
    );
  }

  private publisherBack(): void {
    if (this.lostSince === undefined || this.closed) return;
    const since = this.lostSince;
    this.lostSince = undefined;
    this.enqueue({ kind: "resync" });
    this.log.warn(
      { node: this.origin, lostMs: Date.now() - since, lost: this.counts.lost },
      "cluster fan-out restored: the other nodes' clients are told to resync",
    );
  }

  /** The subscriber is ready (at start or again): subscribe (ioredis resubscribes too; twice is harmless), once at a time. */
  private subscriptionBack(): Promise<void> {
    this.resubscribing ??= this.resubscribe().finally(() => (this.resubscribing = undefined));
    return this.resubscribing;
  }

  private async resubscribe(): Promise<void> {
    if (this.subscribed || this.closed) return;
    try {
      await this.subscriber.subscribe(this.channel);
    } catch {
      return; // down again: the next "ready" tries again
    }
    this.subscribed = true;
    if (this.everSubscribed) {
      // Events of the other nodes published while this one did not listen are lost to its sockets.
      this.hub.publishToAllUsers({ type: "RESYNC" });
      this.log.warn({ node: this.origin }, "cluster fan-out restored: this node's clients are told to resync");
    }
    this.everSubscribed = true;
  }

  private deliverToUsers(d: Extract<Delivery, { kind: "users" }>, frame: EncodedFrame | undefined): void {
    if (!frame) return;
    const here = d.userIds.filter((userId) => this.hub.hasUser(userId));
    const options = d.droppable ? { droppable: true } : undefined;
    const run = () => {
      for (const userId of here) this.hub.publishToUser(userId, frame, options);
    };
    if (!d.order) return run();
    if (here.length === 0) return this.order.skip(d.order);
    this.order.deliver(d.order, run);
  }

  private receive(message: string): void {
    let batch: Batch;
    try {
      batch = decodeBatch(message);
    } catch (error) {
      this.log.error({ err: (error as Error).message, bytes: message.length }, "cluster bus message unreadable; dropped");
      return;
    }
    if (batch.node === this.origin) return;
    this.counts.received += 1;
    const { hub, handlers } = this;
    for (const d of batch.deliveries) {
      try {
        switch (d.kind) {
          case "users":
            this.deliverToUsers(d, batch.frames[d.frame]);
            break;
          case "pairing": {
            const frame = batch.frames[d.frame];
            if (frame) hub.publishToKey(d.sessionId, d.key, frame);
            break;
          }
          case "link":
            toLinkPeer(hub, d.linkId, d.frame === undefined ? undefined : batch.frames[d.frame], d.close);
            break;
          case "session": {
            const frame = batch.frames[d.frame];
            if (frame) for (const peer of hub.peersOfSessions([d.sessionId])) peer.send(frame);
            break;
          }
          case "drop":
            handlers.dropSessions(d.sessionIds);
            break;
          case "scanConfirmed":
            handlers.scanConfirmed(d.targetSessionId, d.scanId);
            break;
          case "resync":
            hub.publishToAllUsers({ type: "RESYNC" });
            break;
        }
      } catch (error) {
        this.log.error({ err: error, kind: d.kind }, "cluster delivery failed");
      }
    }
  }
}
