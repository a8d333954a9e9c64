import type { Redis } from "ioredis";
import type { Logger } from "pino";

/** A node's entry lives this long after its last renewal: a node that dies leaves the directory by then. */
export const DIRECTORY_TTL_MS = 30_000;
/** How often a node renews the entries of its sockets. */
export const DIRECTORY_RENEW_MS = 10_000;

/**
 * Which node holds a socket of a sign-in session or link, in Redis: one sorted set per id, its
 * members the nodes holding one, scored by when the entry runs out (wall time, so a node that dies
 * drops out within the TTL without anyone cleaning up). Used for "is this device online" and
 * whether a scan or a link approval has a socket to go to; deliveries themselves go over the bus.
 */
export class SocketDirectory {
  private readonly renewer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly node: string,
    private readonly localIds: () => string[],
    private readonly log: Logger,
  ) {
    this.renewer = setInterval(() => void this.renew(this.localIds()), DIRECTORY_RENEW_MS);
    this.renewer.unref();
  }

  /** A socket of `id` opened here (first one) or the last one closed. Fails quietly while Redis is away: the next renewal repairs it. */
  changed(id: string, here: boolean): void {
    if (this.redis.status !== "ready") return;
    const key = this.key(id);
    const done = here
      ? this.redis
          .multi()
          .zadd(key, Date.now() + DIRECTORY_TTL_MS, this.node)
          .pexpire(key, DIRECTORY_TTL_MS)
          .exec()
      : this.redis.zrem(key, this.node);
    done.catch(() => undefined);
  }

  /** Of these ids, those with a live entry of another node. Redis away: none (the caller knows its own). */
  async elsewhere(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0 || this.redis.status !== "ready") return new Set();
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.zcount(this.key(id), now, "+inf");
    try {
      const counts = (await pipeline.exec()) ?? [];
      return new Set(ids.filter((_, i) => Number(counts[i]?.[1] ?? 0) > 0));
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, "socket directory read failed");
      return new Set();
    }
  }

  private async renew(ids: string[]): Promise<void> {
    if (ids.length === 0 || this.redis.status !== "ready") return;
    const expires = Date.now() + DIRECTORY_TTL_MS;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.zadd(this.key(id), expires, this.node).pexpire(this.key(id), DIRECTORY_TTL_MS);
    // Entries of nodes that died stay in the set until it expires; they no longer count once run out.
    await pipeline.exec().catch(() => undefined);
  }

  close(): void {
    clearInterval(this.renewer);
  }

  private key(id: string): string {
    return `${this.prefix}at:${id}`;
  }
}
