import type { SessionService } from "../auth/sessions.ts";
import type { Clock } from "../clock.ts";
import type { Hub } from "./hub.ts";

/**
 * How far before its last look a node asks again for revoked sessions. A revocation's `revoked_at`
 * is stamped by the revoking node's clock before its statement commits, so one that commits after
 * a look may carry a time from before it: by a clock behind this node's, or after waiting for a
 * pooled connection or a row lock. And a handshake that read its session just before the revocation
 * joins the hub up to its 10 s limit later, when the event has passed: the revocation must still be
 * in the next look's window then. Each look reads the revocations of this window again: a few rows.
 */
export const REVOCATION_OVERLAP_MS = 30_000;

export type SessionCheckOptions = {
  sessions: SessionService;
  hub: Hub;
  clock: Clock;
  /** Closes every socket here of these sessions (ids with none here are skipped). */
  drop: (sessionIds: readonly string[]) => void;
  /** Every this many passes, one reads the rows of all the sessions held here (see below). */
  fullEvery: number;
};

/**
 * The safety net under `Sockets.dropSessions` (which closes a revoked session's sockets at once, on
 * every node): it closes this node's signed-in sockets whose session ended without this node being
 * told (an event lost between nodes). What a pass reads follows revocations, not sockets held:
 *
 * - expired: each socket knows its session's end from the handshake (it never moves); no query.
 * - revoked: the sessions revoked since this node's last look, less `REVOCATION_OVERLAP_MS`, by the
 *   `auth_sessions_revoked` index. The window only moves after a look that succeeded.
 * - deleted: an account's sessions are revoked (and announced), then deleted with it by cascade; a
 *   node that missed both sees no row to find. Every `fullEvery` passes one asks about the session of
 *   every socket held here, as every pass once did.
 */
export class SessionCheck {
  private since: number;
  private passesToFull: number;
  private running: Promise<void> | undefined;

  constructor(private readonly o: SessionCheckOptions) {
    this.since = o.clock.now() - REVOCATION_OVERLAP_MS;
    this.passesToFull = o.fullEvery;
  }

  /** One pass, a full one when due (or asked for); while one runs, that one. */
  run(full?: boolean): Promise<void> {
    this.running ??= this.pass(full ?? this.passesToFull <= 1).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(full: boolean): Promise<void> {
    const { sessions, hub, clock, drop } = this.o;
    const now = clock.now();
    drop(hub.sessionsExpiredBy(now));
    // A full pass that fails is due again at the next.
    this.passesToFull -= 1;
    drop(full ? await sessions.deadAmong(hub.userSessionIds()) : await sessions.revokedSince(this.since));
    if (full) this.passesToFull = this.o.fullEvery;
    this.since = now - REVOCATION_OVERLAP_MS;
  }
}
