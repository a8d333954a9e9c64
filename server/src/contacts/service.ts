import { randomUUID } from "node:crypto";
import {
  type Blocks,
  type Connection,
  type Connections,
  type ContactRequests,
  type RequestEnd,
  type SendContactRequest,
  type SendContactRequestResponse,
} from "@easyqr/protocol";
import type { Logger } from "pino";
import { connectionIdsOf, hasBlocked, noSuchUser, pairOf } from "../access/checks.ts";
import { profileFor } from "../access/profiles.ts";
import type { Clock } from "../clock.ts";
import { uniqueViolation } from "../db/errors.ts";
import type { Db, UsersTable } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { RateLimiter } from "../rateLimiter.ts";
import type { PresenceService } from "../presence/service.ts";
import type { UserFanout } from "../fanout.ts";
import { userById, userByUsername } from "../users/queries.ts";
import type { ContactLimits } from "./limits.ts";
import { blockedUsers, cardHoldersOf, connectedUser, connectedUsers, pendingRequests, requestOfPair } from "./queries.ts";
import type { ContactQrService } from "./qr.ts";
import { requestView, type RequestRow } from "./view.ts";

type Target = { userId: string; via: "qr" | "username"; tokenHash?: string };
/** What one request did: a pending request, or (crossing) the other side's request accepted. `hidden`: the recipient never sees it. */
type Sent = { outcome: "requested" | "connected"; request: RequestRow; hidden: boolean; at: number };

/**
 * The only code that changes contacts: requests, connections and blocks ("My QR" tokens are
 * ContactQrService's, which this calls to spend one inside a request's transaction). Each
 * change is one transaction, then events to the sockets of the users it concerns.
 *
 * A block is never visible to the blocked user: their requests to the blocker are stored hidden
 * (they look pending to the sender, the blocker never sees them) and everything else answers as
 * it would for anyone who is not a connection.
 */
export class ContactsService {
  constructor(
    private readonly db: Db,
    private readonly qr: ContactQrService,
    private readonly clock: Clock,
    private readonly limits: ContactLimits,
    private readonly rateLimiter: RateLimiter,
    private readonly presence: PresenceService,
    private readonly fanout: UserFanout,
    private readonly log: Logger,
  ) {}

  // ---- Requests ---------------------------------------------------------------

  /**
   * Asks someone to connect, by their QR token or their username. If they had already asked
   * you, this accepts their request instead (crossing requests make one connection).
   */
  async sendRequest(userId: string, input: SendContactRequest): Promise<SendContactRequestResponse> {
    const target = await this.resolve(input);
    if (target.userId === userId) throw new AppError("CONTACT_SELF", "You cannot add yourself.");
    await this.rateLimiter.take(
      [
        { key: `contacts:request:${userId}`, limit: this.limits.requestsPerUser, windowMs: this.limits.requestsPerUserWindowMs },
        { key: `contacts:pair:${userId}:${target.userId}`, limit: this.limits.requestsPerPair, windowMs: this.limits.requestsPerPairWindowMs },
      ],
      "Too many requests were sent; wait before sending more.",
    );
    const sent = await this.withPairRetry(() => this.db.transaction().execute((trx) => this.sendIn(trx, userId, target)));
    const [me, them] = await Promise.all([this.loadUser(userId), this.loadUser(target.userId)]);
    if (sent.outcome === "requested") {
      this.fanout(userId, { type: "CONTACT_REQUEST_ADDED", request: requestView(sent.request, userId, them) });
      if (!sent.hidden) this.fanout(them.id, { type: "CONTACT_REQUEST_ADDED", request: requestView(sent.request, them.id, me) });
      this.log.info({ requestId: sent.request.id, via: target.via }, "contact request sent");
      return { outcome: "requested", request: requestView(sent.request, userId, them) };
    }
    this.announceRequestEnd(sent.request, "accepted", sent.hidden);
    await this.announceConnection(me, them, sent.at);
    this.log.info({ requestId: sent.request.id }, "crossing contact request: connected");
    return { outcome: "connected", connection: await this.connectionFor(me, them, sent.at) };
  }

  async listRequests(userId: string): Promise<ContactRequests> {
    const { incoming, outgoing } = await pendingRequests(this.db, userId, this.clock.now());
    return {
      incoming: incoming.map((p) => requestView(p.request, userId, p.other)),
      outgoing: outgoing.map((p) => requestView(p.request, userId, p.other)),
    };
  }

  /** Accepts a request sent to this user. Of two accepts racing, one connects and the other finds no request. */
  async acceptRequest(userId: string, requestId: string): Promise<Connection> {
    const now = this.clock.now();
    const request = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("contactRequests")
        .selectAll()
        .where("id", "=", requestId)
        .where("toUserId", "=", userId)
        .where("hiddenAt", "is", null)
        .where("expiresAt", ">", now)
        .executeTakeFirst();
      // The delete is the one atomic step: a second accept waits for the first and deletes nothing.
      const deleted = row ? await trx.deleteFrom("contactRequests").where("id", "=", requestId).executeTakeFirst() : undefined;
      if (!row || deleted?.numDeletedRows !== 1n) throw requestNotFound();
      await this.insertConnection(trx, row.fromUserId, row.toUserId, now);
      return row;
    });
    const [me, them] = await Promise.all([this.loadUser(userId), this.loadUser(request.fromUserId)]);
    this.announceRequestEnd(request, "accepted", false);
    await this.announceConnection(me, them, now);
    return this.connectionFor(me, them, now);
  }

  /** Declines a request sent to this user; the sender is told. */
  async declineRequest(userId: string, requestId: string): Promise<void> {
    const request = await this.deleteRequest(requestId, "to", userId);
    this.announceRequestEnd(request, "declined", false);
  }

  /** Withdraws a request this user sent. */
  async cancelRequest(userId: string, requestId: string): Promise<void> {
    const request = await this.deleteRequest(requestId, "from", userId);
    this.announceRequestEnd(request, "cancelled", request.hiddenAt !== null);
  }

  // ---- Connections ------------------------------------------------------------

  async listConnections(userId: string): Promise<Connections> {
    const me = await this.loadUser(userId);
    const rows = await connectedUsers(this.db, userId);
    const presence = await this.presence.presenceOf(
      me,
      rows.map((r) => r.user),
    );
    const connections = rows.map(({ user, since }) => ({
      user: profileFor(user, "connection"),
      since,
      presence: presence.get(user.id) ?? { online: false, lastSeen: null },
    }));
    connections.sort((a, b) => sortKey(a.user).localeCompare(sortKey(b.user)) || a.user.id.localeCompare(b.user.id));
    return { connections };
  }

  /** One connection's profile and presence; anyone else is answered as a user who does not exist. */
  async connection(userId: string, otherId: string): Promise<Connection> {
    const row = await connectedUser(this.db, userId, otherId);
    if (!row) throw noSuchUser();
    return this.connectionFor(await this.loadUser(userId), row.user, row.since);
  }

  async removeConnection(userId: string, otherId: string): Promise<void> {
    const { userLow, userHigh } = pairOf(userId, otherId);
    const deleted = await this.db.deleteFrom("connections").where("userLow", "=", userLow).where("userHigh", "=", userHigh).executeTakeFirst();
    if (deleted.numDeletedRows !== 1n) throw noSuchUser();
    this.fanout(userId, { type: "CONNECTION_REMOVED", userId: otherId });
    this.fanout(otherId, { type: "CONNECTION_REMOVED", userId });
    await this.announceStrangers(userId, otherId);
  }

  // ---- Profiles ---------------------------------------------------------------

  /** A user's profile changed: everyone who holds their card gets it as they may now see it. */
  async announceProfile(userId: string): Promise<void> {
    const user = await userById(this.db, userId);
    if (!user) return;
    const connections = new Set(await connectionIdsOf(this.db, userId));
    for (const id of connections) this.fanout(id, { type: "PROFILE_UPDATED", user: profileFor(user, "connection") });
    for (const id of await cardHoldersOf(this.db, userId, this.clock.now())) {
      if (!connections.has(id)) this.fanout(id, { type: "PROFILE_UPDATED", user: profileFor(user, "stranger") });
    }
  }

  // ---- Blocks -----------------------------------------------------------------

  /**
   * Blocks a user: the connection ends, your request to them is withdrawn, theirs to you is hidden
   * from you (to them it stays pending, as does any they send later). They are not told.
   */
  async block(userId: string, otherId: string): Promise<void> {
    if (otherId === userId) throw new AppError("CONTACT_SELF", "You cannot block yourself.");
    const other = await userById(this.db, otherId);
    if (!other) throw new AppError("USER_NOT_FOUND", "No such user.");
    const now = this.clock.now();
    const { userLow, userHigh } = pairOf(userId, otherId);
    const changes = await this.db.transaction().execute(async (trx) => {
      const added = await trx
        .insertInto("blocks")
        .values({ blockerId: userId, blockedId: otherId, createdAt: now })
        .onConflict((oc) => oc.columns(["blockerId", "blockedId"]).doNothing())
        .executeTakeFirst();
      const disconnected = await trx.deleteFrom("connections").where("userLow", "=", userLow).where("userHigh", "=", userHigh).executeTakeFirst();
      const request = await trx.selectFrom("contactRequests").selectAll().where("userLow", "=", userLow).where("userHigh", "=", userHigh).executeTakeFirst();
      if (request?.fromUserId === userId) await trx.deleteFrom("contactRequests").where("id", "=", request.id).execute();
      else if (request?.hiddenAt === null) await trx.updateTable("contactRequests").set({ hiddenAt: now }).where("id", "=", request.id).execute();
      return { added: (added.numInsertedOrUpdatedRows ?? 0n) > 0n, disconnected: disconnected.numDeletedRows === 1n, request };
    });
    if (changes.disconnected) {
      this.fanout(userId, { type: "CONNECTION_REMOVED", userId: otherId });
      this.fanout(otherId, { type: "CONNECTION_REMOVED", userId });
      await this.announceStrangers(userId, otherId);
    }
    const { request } = changes;
    // Yours is withdrawn (they see a cancel, if they ever saw it); theirs leaves only your lists: to them it still looks pending.
    if (request?.fromUserId === userId) this.announceRequestEnd(request, "cancelled", request.hiddenAt !== null);
    else if (request?.hiddenAt === null) this.fanout(userId, { type: "CONTACT_REQUEST_REMOVED", requestId: request.id, reason: "declined" });
    if (changes.added) this.fanout(userId, { type: "BLOCK_ADDED", user: profileFor(other, "stranger") });
    this.log.info({ userId, blocked: otherId }, "user blocked");
  }

  /** Lifts a block. Nothing comes back: no connection, and requests sent while blocked stay hidden. */
  async unblock(userId: string, otherId: string): Promise<void> {
    const deleted = await this.db.deleteFrom("blocks").where("blockerId", "=", userId).where("blockedId", "=", otherId).executeTakeFirst();
    if (deleted.numDeletedRows === 1n) this.fanout(userId, { type: "BLOCK_REMOVED", userId: otherId });
  }

  async listBlocks(userId: string): Promise<Blocks> {
    return { users: (await blockedUsers(this.db, userId)).map((user) => profileFor(user, "stranger")) };
  }

  // ---- Housekeeping -----------------------------------------------------------

  /** Drops ended QR tokens (after a retention for clear errors) and requests nobody answered in time. */
  async sweep(): Promise<{ tokens: number; requests: number }> {
    const now = this.clock.now();
    const tokens = await this.qr.sweep();
    let requests = 0;
    for (;;) {
      const stale = await this.db.selectFrom("contactRequests").selectAll().where("expiresAt", "<=", now).limit(500).execute();
      if (stale.length === 0) break;
      const deleted = await this.db
        .deleteFrom("contactRequests")
        .where(
          "id",
          "in",
          stale.map((r) => r.id),
        )
        .where("expiresAt", "<=", now)
        .returning("id")
        .execute();
      const gone = new Set(deleted.map((d) => d.id));
      for (const request of stale) if (gone.has(request.id)) this.announceRequestEnd(request, "expired", request.hiddenAt !== null);
      requests += gone.size;
      if (stale.length < 500) break;
    }
    if (tokens > 0 || requests > 0) this.log.info({ tokens, requests }, "contacts swept");
    return { tokens, requests };
  }

  /** Before an account is deleted: its connections and requests end, and the other sides are told. */
  async forget(userId: string): Promise<void> {
    const connections = await connectedUsers(this.db, userId);
    const requests = await this.db
      .selectFrom("contactRequests")
      .selectAll()
      .where((eb) => eb.or([eb("fromUserId", "=", userId), eb("toUserId", "=", userId)]))
      .execute();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom("connections")
        .where((eb) => eb.or([eb("userLow", "=", userId), eb("userHigh", "=", userId)]))
        .execute();
      await trx
        .deleteFrom("contactRequests")
        .where((eb) => eb.or([eb("fromUserId", "=", userId), eb("toUserId", "=", userId)]))
        .execute();
    });
    for (const { user } of connections) this.fanout(user.id, { type: "CONNECTION_REMOVED", userId, reason: "account_deleted" });
    for (const r of requests) {
      const other = r.fromUserId === userId ? r.toUserId : r.fromUserId;
      if (other === r.fromUserId || r.hiddenAt === null)
        this.fanout(other, { type: "CONTACT_REQUEST_REMOVED", requestId: r.id, reason: r.fromUserId === userId ? "cancelled" : "declined" });
    }
  }

  // ---- Inside ------------------------------------------------------------------

  private async resolve(input: SendContactRequest): Promise<Target> {
    if ("username" in input) {
      const user = await userByUsername(this.db, input.username);
      if (!user) throw new AppError("USERNAME_NOT_FOUND", "Nobody has this username.");
      return { userId: user.id, via: "username" };
    }
    const token = await this.qr.usable(input.token);
    return { userId: token.userId, via: "qr", tokenHash: token.tokenHash };
  }

  /** One request, in one transaction: checks, the token's use, then a pending request or (crossing) a connection. */
  private async sendIn(trx: Db, from: string, target: Target): Promise<Sent> {
    const now = this.clock.now();
    const to = target.userId;
    if (await hasBlocked(trx, from, to)) throw new AppError("CONTACT_BLOCKED", "You blocked this user; unblock them first.");
    const { userLow, userHigh } = pairOf(from, to);
    const connected = await trx
      .selectFrom("connections")
      .select("createdAt")
      .where("userLow", "=", userLow)
      .where("userHigh", "=", userHigh)
      .executeTakeFirst();
    if (connected) throw new AppError("CONTACT_ALREADY_CONNECTED", "You are already connected.");
    if (target.tokenHash) await this.qr.redeem(trx, target.tokenHash, now);
    const existing = await requestOfPair(trx, from, to);
    if (existing && existing.expiresAt > now) {
      if (existing.fromUserId === from) throw new AppError("CONTACT_REQUEST_PENDING", "You already asked; they have not answered yet.");
      // Crossing: they asked first, so asking back accepts.
      const deleted = await trx.deleteFrom("contactRequests").where("id", "=", existing.id).executeTakeFirst();
      if (deleted.numDeletedRows !== 1n) throw new PairConflict();
      await this.insertConnection(trx, from, to, now);
      return { outcome: "connected", request: existing, hidden: existing.hiddenAt !== null, at: now };
    }
    // An expired request the sweeper has not reached yet must not stand in the way.
    if (existing) await trx.deleteFrom("contactRequests").where("id", "=", existing.id).execute();
    const request = {
      id: randomUUID(),
      fromUserId: from,
      toUserId: to,
      userLow,
      userHigh,
      via: target.via,
      createdAt: now,
      expiresAt: now + this.limits.requestTtlMs,
      hiddenAt: (await hasBlocked(trx, to, from)) ? now : null,
    };
    await trx.insertInto("contactRequests").values(request).execute();
    return { outcome: "requested", request, hidden: request.hiddenAt !== null, at: now };
  }

  /**
   * Two requests crossing at once both find no request and both insert: the pair's unique
   * constraint refuses the second, which runs again and now finds the first (and accepts it).
   */
  private async withPairRetry<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const conflict = error instanceof PairConflict || uniqueViolation(error)?.startsWith("contact_requests.") === true;
        if (!conflict || attempt >= 3) throw error;
      }
    }
  }

  private async insertConnection(trx: Db, a: string, b: string, now: number): Promise<void> {
    await trx
      .insertInto("connections")
      .values({ ...pairOf(a, b), createdAt: now })
      .onConflict((oc) => oc.columns(["userLow", "userHigh"]).doNothing())
      .execute();
  }

  /** Deletes a live request `userId` sent (`from`) or may see as its recipient (`to`). */
  private async deleteRequest(requestId: string, side: "from" | "to", userId: string): Promise<RequestRow & { hiddenAt: number | null }> {
    let query = this.db.deleteFrom("contactRequests").where("id", "=", requestId).where("expiresAt", ">", this.clock.now());
    query = side === "from" ? query.where("fromUserId", "=", userId) : query.where("toUserId", "=", userId).where("hiddenAt", "is", null);
    const deleted = await query.returning(["id", "fromUserId", "toUserId", "createdAt", "expiresAt", "hiddenAt"]).executeTakeFirst();
    if (!deleted) throw requestNotFound();
    return deleted;
  }

  /** Both sides' sockets learn a request is gone (the recipient's only if it ever saw it). */
  private announceRequestEnd(request: RequestRow, reason: RequestEnd, hiddenFromRecipient: boolean): void {
    this.fanout(request.fromUserId, { type: "CONTACT_REQUEST_REMOVED", requestId: request.id, reason });
    if (!hiddenFromRecipient) this.fanout(request.toUserId, { type: "CONTACT_REQUEST_REMOVED", requestId: request.id, reason });
  }

  private async announceConnection(a: UsersTable, b: UsersTable, since: number): Promise<void> {
    this.fanout(a.id, { type: "CONNECTION_ADDED", connection: await this.connectionFor(a, b, since) });
    this.fanout(b.id, { type: "CONNECTION_ADDED", connection: await this.connectionFor(b, a, since) });
  }

  /** Two users are no longer connected: each gets the other's card as a stranger sees it (a chat still shows it). */
  private async announceStrangers(a: string, b: string): Promise<void> {
    const [userA, userB] = await Promise.all([userById(this.db, a), userById(this.db, b)]);
    if (userA) this.fanout(b, { type: "PROFILE_UPDATED", user: profileFor(userA, "stranger") });
    if (userB) this.fanout(a, { type: "PROFILE_UPDATED", user: profileFor(userB, "stranger") });
  }

  private async connectionFor(viewer: UsersTable, other: UsersTable, since: number): Promise<Connection> {
    const presence = await this.presence.presenceOf(viewer, [other]);
    return { user: profileFor(other, "connection"), since, presence: presence.get(other.id) ?? { online: false, lastSeen: null } };
  }

  private async loadUser(userId: string): Promise<UsersTable> {
    const user = await userById(this.db, userId);
    if (!user) throw new AppError("USER_NOT_FOUND", "This account no longer exists.");
    return user;
  }
}

/** The other side of a crossing changed under us: run the request again. */
class PairConflict extends Error {}

function requestNotFound(): AppError {
  return new AppError("CONTACT_REQUEST_NOT_FOUND", "This request is no longer pending.");
}

function sortKey(user: Connection["user"]): string {
  return (user.name ?? user.username ?? "").toLowerCase();
}
