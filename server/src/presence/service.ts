import { randomUUID } from "node:crypto";
import type { Presence } from "@easyqr/protocol";
import type { Logger } from "pino";
import { connectedWith } from "../access/checks.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/schema.ts";
import type { UserFanout } from "../fanout.ts";
import type { UsersService } from "../users/service.ts";
import type { PresenceLimits } from "./limits.ts";
import type { Lease, PresenceStore } from "./store.ts";
import { presenceFor, type PresenceSubject, type PresenceViewer } from "./view.ts";

/** A user's open socket as presence sees it: when it was last heard from (handshake, pong, frame, clean close). */
export type LiveSocket = { readonly heardAt: number };

/** This node's lease for a socket (its id is `<nodeId>:<lease>`, made when written), and the end it was last stored with. */
type Held = { userId: string; lease: number; storedUntil: number | undefined };

/**
 * The only code that changes presence. Each open socket holds a lease in the store that this node
 * renews on every tick from when the socket was last heard; a socket that stops answering pings
 * stops being renewed and its lease runs out. A closed socket's lease ends `graceMs` later, so a
 * quick reconnect never shows as offline. When a user's last lease ends, `lastSeen` is stored and
 * their connections (and only they) are told.
 */
export class PresenceService {
  private readonly local = new Map<LiveSocket, Held>();
  private readonly nodeId = randomUUID();
  private leases = 0;

  constructor(
    private readonly store: PresenceStore,
    private readonly db: Db,
    private readonly users: Pick<UsersService, "recordLastSeen">,
    private readonly clock: Clock,
    private readonly limits: PresenceLimits,
    private readonly fanout: UserFanout,
    private readonly log: Logger,
  ) {}

  /** A user's socket passed its handshake. */
  async attach(userId: string, socket: LiveSocket): Promise<void> {
    const entry: Held = { userId, lease: ++this.leases, storedUntil: undefined };
    this.local.set(socket, entry);
    const lease = this.leaseOf(entry, socket);
    const came = await this.store.put([lease], this.clock.now());
    entry.storedUntil = lease.expiresAt;
    // Closed while we stored it: end it like any closed socket.
    if (!this.local.has(socket)) await this.endLease(entry, socket);
    for (const id of came) await this.announce(id);
  }

  /** A user's socket closed: its lease ends after the grace period (or when it was due, if that is sooner). */
  async detach(socket: LiveSocket): Promise<void> {
    const entry = this.local.get(socket);
    if (!entry) return;
    this.local.delete(socket);
    await this.endLease(entry, socket);
  }

  /**
   * Every `tickMs` on every node: renews this node's leases, then ends expired ones (whichever node
   * held them). Only leases whose socket was heard since they were stored are written: the others
   * would be stored unchanged (in Redis, that is most of them: a socket is heard about every 15 s).
   */
  async tick(): Promise<void> {
    const now = this.clock.now();
    const renewed: { entry: Held; lease: Lease }[] = [];
    for (const [socket, entry] of this.local) {
      if (socket.heardAt + this.limits.leaseTtlMs !== entry.storedUntil) renewed.push({ entry, lease: this.leaseOf(entry, socket) });
    }
    const came = await this.store.put(
      renewed.map((r) => r.lease),
      now,
    );
    for (const { entry, lease } of renewed) entry.storedUntil = lease.expiresAt;
    for (const id of came) await this.announce(id);
    for (const { userId, lastSeen } of await this.store.expire(now)) {
      await this.users.recordLastSeen(userId, lastSeen);
      await this.announce(userId);
    }
  }

  /** Presence of these users (the caller checked they are `viewer`'s connections), as `viewer` may see it. */
  async presenceOf(viewer: PresenceViewer, subjects: PresenceSubject[]): Promise<Map<string, Presence>> {
    const online = await this.store.online(
      subjects.map((s) => s.id),
      this.clock.now(),
    );
    return new Map(subjects.map((s) => [s.id, presenceFor(online.has(s.id), s, viewer)]));
  }

  /** Sockets of this node held for users (for tests and metrics). */
  get sockets(): number {
    return this.local.size;
  }

  private leaseOf(entry: Held, socket: LiveSocket): Lease {
    return { userId: entry.userId, leaseId: this.leaseId(entry), expiresAt: socket.heardAt + this.limits.leaseTtlMs, seenAt: socket.heardAt };
  }

  private leaseId(entry: Held): string {
    return `${this.nodeId}:${entry.lease}`;
  }

  private async endLease(entry: Held, socket: LiveSocket): Promise<void> {
    const now = this.clock.now();
    const expiresAt = Math.min(now + this.limits.graceMs, socket.heardAt + this.limits.leaseTtlMs);
    await this.store.put([{ userId: entry.userId, leaseId: this.leaseId(entry), expiresAt, seenAt: socket.heardAt }], now);
  }

  /**
   * A user started or stopped hiding last seen: their connections get their presence again, and
   * they get each connection's (hiding yours hides theirs from you), so no screen waits for a reload.
   */
  async lastSeenVisibilityChanged(userId: string): Promise<void> {
    await this.announce(userId);
    const viewer = await this.db.selectFrom("users").select(["id", "lastSeenHiddenAt"]).where("id", "=", userId).executeTakeFirst();
    if (!viewer) return;
    const subjects = await this.connectionsOf(userId);
    for (const [id, presence] of await this.presenceOf(viewer, subjects)) this.fanout(userId, { type: "PRESENCE", userId: id, presence }, { droppable: true });
  }

  /**
   * Tells a user's connections their current presence (read again now, so a change that raced
   * with this one is never announced out of order: the last announcement is always the truth).
   * One statement and one Redis read, side by side: a user coming online is most of a handshake's cost.
   */
  private async announce(userId: string): Promise<void> {
    const [rows, online] = await Promise.all([this.withConnections(userId), this.store.online([userId], this.clock.now())]);
    // Nobody is their own connection, so the one row with their id is the subject's.
    const subject = rows.find((r) => r.id === userId);
    if (!subject) return;
    const viewers = rows.filter((r) => r !== subject);
    for (const viewer of viewers) {
      this.fanout(viewer.id, { type: "PRESENCE", userId, presence: presenceFor(online.has(userId), subject, viewer) }, { droppable: true });
    }
    this.log.debug({ userId, online: online.has(userId), viewers: viewers.length }, "presence announced");
  }

  /** A user's connections (who may see their presence: access/checks.ts), with what presence needs of each as subject and as viewer. */
  private connectionsOf(userId: string): Promise<PresenceSubject[]> {
    return this.connectionRows(userId).execute();
  }

  /** The user's own row and their connections' (`connectionsOf`), in one statement. */
  private withConnections(userId: string): Promise<PresenceSubject[]> {
    return this.db.selectFrom("users").select(presenceColumns).where("id", "=", userId).unionAll(this.connectionRows(userId)).execute();
  }

  private connectionRows(userId: string) {
    return this.db.selectFrom("users").select(presenceColumns).where("id", "in", connectedWith(this.db, userId));
  }
}

const presenceColumns = ["id", "lastSeenAt", "lastSeenHiddenAt"] as const;
