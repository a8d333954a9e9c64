import type { Clock } from "./clock.ts";
import type { Db } from "./db/schema.ts";
import { AppError } from "./errors.ts";

/** At most `limit` events per `windowMs` (sliding window) under `key`. */
export type RateRule = { key: string; limit: number; windowMs: number };

/**
 * Sliding-window limits kept in the database, so every node of a cluster counts the
 * same events and a restart forgets nothing. Each check locks its keys' rows
 * (an upsert on `rate_keys`) so concurrent checks of one key run one at a time.
 */
export class RateLimiter {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts one event under every rule, or under none when any of them is used up:
   * then throws RATE_LIMITED with `retryAfterMs` (the HTTP layer adds `Retry-After`).
   */
  async take(rules: RateRule[], message: string): Promise<void> {
    const now = this.clock.now();
    const retryAfterMs = await this.db.transaction().execute(async (trx) => {
      const wait = await this.lockAndWait(trx, rules, now);
      if (wait === 0) await this.count(trx, rules, now);
      return wait;
    });
    if (retryAfterMs > 0) throw new AppError("RATE_LIMITED", message, { retryAfterMs });
  }

  /**
   * For a caller that decides inside its own transaction whether the event happened (a wrong code
   * is only known after the check): locks the rules' keys until `trx` ends and answers how long
   * until one more event fits under all of them (0: it fits now). Then `count` records it, or not.
   */
  async lockAndWait(trx: Db, rules: RateRule[], now: number): Promise<number> {
    // Same order everywhere, so two checks sharing keys cannot deadlock.
    const sorted = sortedByKey(rules);
    for (const rule of sorted) {
      await trx
        .insertInto("rateKeys")
        .values({ key: rule.key, touchedAt: now })
        .onConflict((oc) => oc.column("key").doUpdateSet({ touchedAt: now }))
        .execute();
    }
    let wait = 0;
    for (const rule of sorted) {
      await trx
        .deleteFrom("rateEvents")
        .where("key", "=", rule.key)
        .where("at", "<=", now - rule.windowMs)
        .execute();
      const events = await trx.selectFrom("rateEvents").select("at").where("key", "=", rule.key).orderBy("at").execute();
      // The oldest events must age out until one more fits.
      const blocking = events[events.length - rule.limit];
      if (blocking) wait = Math.max(wait, blocking.at + rule.windowMs - now);
    }
    return wait;
  }

  /** Counts one event under every rule; inside the transaction that ran `lockAndWait` on them. */
  async count(trx: Db, rules: RateRule[], now: number): Promise<void> {
    if (rules.length > 0)
      await trx
        .insertInto("rateEvents")
        .values(rules.map((rule) => ({ key: rule.key, at: now })))
        .execute();
  }

  /** Forgets keys idle longer than `olderThanMs` (their events are older still). */
  async sweep(olderThanMs: number): Promise<void> {
    const cutoff = this.clock.now() - olderThanMs;
    await this.db.deleteFrom("rateEvents").where("at", "<", cutoff).execute();
    await this.db.deleteFrom("rateKeys").where("touchedAt", "<", cutoff).execute();
  }
}

function sortedByKey(rules: RateRule[]): RateRule[] {
  return [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
