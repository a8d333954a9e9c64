import type { Redis } from "ioredis";
import { RedisRecords } from "../redis/records.ts";
import type { Link } from "./link.ts";
import type { LinkStore } from "./store.ts";

// A pending link is written at every rotation (30 s), and no link lives past 5 + 5 + 5 minutes
// (shown, claimed, kept ended): an hour without a write only happens to what a dead cluster left.
const defaultSafetyTtlMs = 60 * 60_000;

/**
 * Links in Redis (cluster mode): the same contract as MemoryLinkStore. Each link is a versioned
 * JSON record whose update is a compare-and-set (`RedisRecords`), so of concurrent claims, approvals
 * or redemptions on any nodes exactly one wins; its refs and codes are names written in the same
 * script as the link.
 */
export class RedisLinkStore implements LinkStore {
  private readonly links: RedisRecords<Link>;

  constructor(redis: Redis, prefix: string, safetyTtlMs = defaultSafetyTtlMs) {
    this.links = new RedisRecords(redis, {
      prefix: `${prefix}link:`,
      safetyTtlMs,
      index: (link) => ({
        dueAt: link.state === "pending" ? Math.min(link.expiresAt, link.rotatesAt) : link.expiresAt,
        pendingIp: link.state === "pending" ? link.ip : undefined,
        names: link.refs.flatMap((r) => [`ref:${r.ref}`, `code:${r.code}`]),
      }),
    });
  }

  create(link: Link): Promise<void> {
    return this.links.create(link.id, link);
  }

  get(id: string): Promise<Link | undefined> {
    return this.links.get(id);
  }

  update<T>(id: string, change: (link: Link) => T): Promise<T | undefined> {
    return this.links.update(id, change);
  }

  delete(id: string): Promise<void> {
    return this.links.delete(id);
  }

  idByRef(ref: string): Promise<string | undefined> {
    return this.links.idByName(`ref:${ref}`);
  }

  idByCode(code: string): Promise<string | undefined> {
    return this.links.idByName(`code:${code}`);
  }

  dueIds(now: number): Promise<string[]> {
    return this.links.dueIds(now);
  }

  countPendingByIp(ip: string): Promise<number> {
    return this.links.countPendingByIp(ip);
  }
}
