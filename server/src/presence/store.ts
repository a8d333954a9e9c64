/** One socket's claim that its user is online, until `expiresAt`. `seenAt` is when the socket was last heard from. */
export type Lease = { userId: string; leaseId: string; expiresAt: number; seenAt: number };

/** A user whose last lease ended: offline, last seen at the newest `seenAt` of its leases. */
export type WentOffline = { userId: string; lastSeen: number };

/**
 * Where presence lives: leases, one per open socket, each renewed by the node holding the socket.
 * A user is online while any lease is live. Nothing here depends on a node staying up: a node that
 * dies stops renewing, its leases run out, and the next `expire` on any node takes its users offline.
 * In process for one server; a Redis implementation with the same contract serves cluster mode.
 */
export type PresenceStore = {
  /**
   * Stores or moves these leases (leases already over at `now` are ignored). Returns the users that
   * had no live lease before and have one now: they just came online. Atomic per user.
   */
  put(leases: Lease[], now: number): Promise<string[]>;
  /** Drops every lease over at `now`; returns the users left without any. Atomic per user. */
  expire(now: number): Promise<WentOffline[]>;
  /** Of these users, the ones with a live lease at `now`. */
  online(userIds: string[], now: number): Promise<Set<string>>;
};

/** A user's leases in process: an array, since a user has a lease per device (a Map per user would cost several times more). */
type Held = { leaseId: string; expiresAt: number; seenAt: number };

export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Held[]>();

  put(leases: Lease[], now: number): Promise<string[]> {
    const came = new Set<string>();
    for (const lease of leases) {
      if (lease.expiresAt <= now) continue;
      let held = this.users.get(lease.userId);
      if (!held) this.users.set(lease.userId, (held = []));
      if (!isLive(held, now)) came.add(lease.userId);
      const stored = held.find((h) => h.leaseId === lease.leaseId);
      if (stored) {
        stored.expiresAt = lease.expiresAt;
        stored.seenAt = lease.seenAt;
      } else held.push({ leaseId: lease.leaseId, expiresAt: lease.expiresAt, seenAt: lease.seenAt });
    }
    return Promise.resolve([...came]);
  }

  expire(now: number): Promise<WentOffline[]> {
    const gone: WentOffline[] = [];
    for (const [userId, held] of this.users) {
      if (held.every((lease) => lease.expiresAt > now)) continue;
      const lastSeen = held.reduce((latest, lease) => (lease.expiresAt > now ? latest : Math.max(latest, lease.seenAt)), 0);
      const live = held.filter((lease) => lease.expiresAt > now);
      if (live.length > 0) this.users.set(userId, live);
      else {
        this.users.delete(userId);
        gone.push({ userId, lastSeen });
      }
    }
    return Promise.resolve(gone);
  }

  online(userIds: string[], now: number): Promise<Set<string>> {
    return Promise.resolve(new Set(userIds.filter((id) => isLive(this.users.get(id), now))));
  }
}

function isLive(held: Held[] | undefined, now: number): boolean {
  return held?.some((lease) => lease.expiresAt > now) ?? false;
}
