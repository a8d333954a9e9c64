import { randomUUID } from "node:crypto";
import { refreshSignedData, type AuthTokens, type DeviceInfo, type RefreshProof } from "@easyqr/protocol";
import type { Logger } from "pino";
import { displayIp } from "../clientIp.ts";
import type { Clock } from "../clock.ts";
import type { CompiledQuery, Selectable, Transaction } from "kysely";
import type { Db, Schema } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { signatureValid } from "./deviceKeys.ts";
import type { AuthLimits } from "./limits.ts";
import { hashRefreshToken, newRefreshToken, type AccessClaims, type AccessTokens } from "./tokens.ts";

export type RevokeReason = "logout" | "logout_everywhere" | "refresh_reused" | "account_deleted" | "device_revoked" | "logged_out_by_other" | "idle";

/** What kind of device a new session is and where it came from. A `linked` one is bound to `publicKey`. */
export type SessionOrigin = { kind?: "primary" | "linked"; publicKey?: string; ip?: string; userAgent?: string };

/** A live session's access claims, with when it was last marked used (`touch`) and when it ends. */
export type LiveSession = AccessClaims & { lastUsedAt: number; expiresAt: number };

/** A session's `lastUsedAt` is written at most this often. */
const TOUCH_EVERY_MS = 60_000;

/** Told about every revocation made by this process (the gateway drops those sockets at once). */
export type RevocationListener = (sessionIds: string[]) => void;

/**
 * The only code that changes sign-in sessions. A session is one refresh-token family on
 * one device: created at sign-in, its refresh token rotated on every use, revoked on
 * logout, on reuse of an old refresh token, or when the account is deleted.
 */
export class SessionService {
  private readonly listeners = new Set<RevocationListener>();
  /**
   * The session check of every authenticated request, built and compiled once (Kysely's recipe
   * "execute compiled queries"): building and compiling it per call was ~16 µs of a request.
   */
  private readonly sessionLookup: CompiledQuery<Pick<Selectable<Schema["authSessions"]>, "userId" | "expiresAt" | "revokedAt" | "lastUsedAt">>;

  constructor(
    private readonly db: Db,
    private readonly tokens: AccessTokens,
    private readonly clock: Clock,
    private readonly limits: AuthLimits,
    private readonly log: Logger,
  ) {
    this.sessionLookup = db.selectFrom("authSessions").select(["userId", "expiresAt", "revokedAt", "lastUsedAt"]).where("id", "=", "").compile();
  }

  onRevoked(listener: RevocationListener): void {
    this.listeners.add(listener);
  }

  /** A new session with its first refresh token; inside `db` when that is a transaction (sign-in spends its code in it). */
  async create(userId: string, device: DeviceInfo | undefined, db: Db = this.db, origin: SessionOrigin = {}): Promise<AuthTokens> {
    const now = this.clock.now();
    const id = randomUUID();
    const kind = origin.kind ?? "primary";
    // A linked device lives while it is used (DEVICE_IDLE_MS); a code sign-in has its absolute end.
    const expiresAt = now + (kind === "linked" ? this.limits.linkedSessionTtlMs : this.limits.sessionTtlMs);
    const refreshToken = newRefreshToken();
    const write = async (trx: Db) => {
      await trx
        .insertInto("authSessions")
        .values({
          id,
          userId,
          createdAt: now,
          expiresAt,
          lastUsedAt: now,
          revokedAt: null,
          revokedReason: null,
          deviceName: device?.name ?? null,
          devicePlatform: device?.platform ?? null,
          kind,
          publicKey: origin.publicKey ?? null,
          ip: origin.ip === undefined ? null : displayIp(origin.ip),
          userAgent: origin.userAgent?.slice(0, 256) ?? null,
        })
        .execute();
      await trx
        .insertInto("refreshTokens")
        .values({ tokenHash: hashRefreshToken(refreshToken), sessionId: id, createdAt: now, usedAt: null })
        .execute();
    };
    await (db.isTransaction ? write(db) : db.transaction().execute(write));
    return this.tokensOf({ userId, sessionId: id }, expiresAt, refreshToken);
  }

  /**
   * Exchanges a refresh token for new tokens; the old one is spent. Presenting a spent
   * one again means it was copied: the whole session is revoked (unless its answer was lost:
   * `answerAgain`). A key-bound (linked) session
   * needs `proof`, its key's signature over `refresh:<token>.<at>`: checked before the token is
   * spent, so a stolen refresh token alone neither refreshes nor burns the device's session.
   */
  async refresh(refreshToken: string, proof?: RefreshProof): Promise<AuthTokens> {
    const now = this.clock.now();
    const tokenHash = hashRefreshToken(refreshToken);
    const found = await this.db
      .selectFrom("refreshTokens")
      .innerJoin("authSessions", "authSessions.id", "refreshTokens.sessionId")
      .select([
        "refreshTokens.usedAt",
        "authSessions.id as sessionId",
        "authSessions.userId",
        "authSessions.expiresAt",
        "authSessions.revokedAt",
        "authSessions.lastUsedAt",
        "authSessions.publicKey",
      ])
      .where("refreshTokens.tokenHash", "=", tokenHash)
      .executeTakeFirst();
    if (!found) throw new AppError("AUTH_REFRESH_INVALID", "This refresh token is not valid; sign in again.");
    if (found.revokedAt !== null) throw new AppError("AUTH_SESSION_REVOKED", "This session has ended; sign in again.");
    if (found.expiresAt <= now || found.lastUsedAt <= now - this.limits.deviceIdleMs) {
      throw new AppError("AUTH_REFRESH_EXPIRED", "This session has expired; sign in again.");
    }
    if (found.publicKey !== null) this.checkProof(found.publicKey, refreshToken, proof, now);

    const next = newRefreshToken();
    const nextHash = hashRefreshToken(next);
    const rotated = await this.db.transaction().execute(async (trx) => {
      // The one atomic step: of concurrent uses of one token exactly one spends it.
      const spent = await trx
        .updateTable("refreshTokens")
        .set({ usedAt: now, replacedBy: nextHash })
        .where("tokenHash", "=", tokenHash)
        .where("usedAt", "is", null)
        .executeTakeFirst();
      if (spent.numUpdatedRows !== 1n && !(await this.answerAgain(trx, tokenHash, nextHash, now))) return false;
      await trx.insertInto("refreshTokens").values({ tokenHash: nextHash, sessionId: found.sessionId, createdAt: now, usedAt: null }).execute();
      await trx.updateTable("authSessions").set({ lastUsedAt: now }).where("id", "=", found.sessionId).execute();
      return true;
    });
    if (!rotated) {
      await this.revoke([found.sessionId], "refresh_reused");
      this.log.warn({ sessionId: found.sessionId, userId: found.userId }, "refresh token reused: session revoked");
      throw new AppError("AUTH_REFRESH_REUSED", "This refresh token was already used; the session has been ended for safety. Sign in again.");
    }
    return this.tokensOf({ userId: found.userId, sessionId: found.sessionId }, found.expiresAt, next);
  }

  /**
   * A token spent moments ago whose replacement was never used: the client lost the answer
   * (a reload mid-refresh). That replacement is spent without a successor (presenting it later is
   * reuse) and the token now points at the one about to be made, so one token stays live. A thief
   * who got in first gains nothing lasting: the owner's next refresh is then a reuse.
   */
  private async answerAgain(trx: Transaction<Schema>, tokenHash: string, nextHash: string, now: number): Promise<boolean> {
    // Concurrent repeats of one token take turns on its row: a loser reads the newer pointer and tries again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const token = await trx.selectFrom("refreshTokens").select(["usedAt", "replacedBy"]).where("tokenHash", "=", tokenHash).executeTakeFirst();
      if (!token?.replacedBy || token.usedAt === null || token.usedAt < now - this.limits.lostRefreshGraceMs) return false;
      const repointed = await trx
        .updateTable("refreshTokens")
        .set({ replacedBy: nextHash })
        .where("tokenHash", "=", tokenHash)
        .where("replacedBy", "=", token.replacedBy)
        .executeTakeFirst();
      if (repointed.numUpdatedRows !== 1n) continue;
      const superseded = await trx
        .updateTable("refreshTokens")
        .set({ usedAt: now })
        .where("tokenHash", "=", token.replacedBy)
        .where("usedAt", "is", null)
        .executeTakeFirst();
      return superseded.numUpdatedRows === 1n;
    }
    return false;
  }

  private checkProof(publicKey: string, refreshToken: string, proof: RefreshProof | undefined, now: number): void {
    if (!proof) throw new AppError("AUTH_PROOF_INVALID", "This device must sign its refresh with its key.", { serverTime: now });
    if (Math.abs(proof.at - now) > this.limits.refreshProofSkewMs) {
      throw new AppError("AUTH_PROOF_INVALID", "The refresh proof's time is too far from the server's; check the device's clock.", { serverTime: now });
    }
    if (!signatureValid(publicKey, refreshSignedData(refreshToken, proof.at), proof.signature)) {
      throw new AppError("AUTH_PROOF_INVALID", "The refresh proof is not this device's signature.", { serverTime: now });
    }
  }

  /**
   * Marks the session used now (a socket connected): what the devices list shows ("active 3 min
   * ago") and the idle expiry (days) read, so a minute's precision is plenty. `session` is what
   * `authenticate` read: used within the minute, nothing is sent to the database (a reconnecting
   * client costs one statement less); the update's own condition covers another node's touch.
   */
  async touch(session: LiveSession): Promise<void> {
    const now = this.clock.now();
    if (session.lastUsedAt >= now - TOUCH_EVERY_MS) return;
    await this.db
      .updateTable("authSessions")
      .set({ lastUsedAt: now })
      .where("id", "=", session.sessionId)
      .where("lastUsedAt", "<", now - TOUCH_EVERY_MS)
      .execute();
  }

  /** Ends live sessions not used for `deviceIdleMs`; returns how many. */
  async expireIdle(): Promise<number> {
    const cutoff = this.clock.now() - this.limits.deviceIdleMs;
    const idle = await this.db.selectFrom("authSessions").select("id").where("revokedAt", "is", null).where("lastUsedAt", "<=", cutoff).execute();
    const ids = idle.map((s) => s.id);
    for (let i = 0; i < ids.length; i += 500) await this.revoke(ids.slice(i, i + 500), "idle");
    return ids.length;
  }

  /** Checks an access token and that its session is still live (revocation takes effect at once). */
  async authenticate(accessToken: string): Promise<LiveSession> {
    const claims = this.tokens.verify(accessToken);
    const lookup: typeof this.sessionLookup = { ...this.sessionLookup, parameters: [claims.sessionId] };
    const [session] = (await this.db.executeQuery(lookup)).rows;
    if (!session || session.revokedAt !== null || session.userId !== claims.userId) {
      throw new AppError("AUTH_SESSION_REVOKED", "This session has ended; sign in again.");
    }
    if (session.expiresAt <= this.clock.now()) throw new AppError("AUTH_TOKEN_EXPIRED", "This session has expired; sign in again.");
    return { userId: claims.userId, sessionId: claims.sessionId, lastUsedAt: session.lastUsedAt, expiresAt: session.expiresAt };
  }

  async revoke(sessionIds: string[], reason: RevokeReason): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.db
      .updateTable("authSessions")
      .set({ revokedAt: this.clock.now(), revokedReason: reason })
      .where("id", "in", sessionIds)
      .where("revokedAt", "is", null)
      .execute();
    this.announce(sessionIds);
  }

  async revokeAllOf(userId: string, reason: RevokeReason): Promise<string[]> {
    const sessions = await this.db.selectFrom("authSessions").select("id").where("userId", "=", userId).where("revokedAt", "is", null).execute();
    const ids = sessions.map((s) => s.id);
    await this.revoke(ids, reason);
    return ids;
  }

  /** Tells listeners that these sessions are gone (also used when their rows were deleted). */
  announce(sessionIds: string[]): void {
    for (const listener of this.listeners) listener(sessionIds);
  }

  /** Every session revoked at or after `since` (by any node), through the `auth_sessions_revoked` index. */
  async revokedSince(since: number): Promise<string[]> {
    const revoked = await this.db.selectFrom("authSessions").select("id").where("revokedAt", ">=", since).execute();
    return revoked.map((session) => session.id);
  }

  /** Of these sessions, the ones no longer live: revoked, expired or deleted (possibly by another node). */
  async deadAmong(sessionIds: string[]): Promise<string[]> {
    const now = this.clock.now();
    const alive = new Set<string>();
    // In batches: SQLite caps the bound parameters at 32,766. Large ones: PostgreSQL reads the whole
    // table for a batch of 500 as for 5,000 while it holds under ~50,000 sessions (7.5 vs 8.3 ms at 38,000).
    for (let i = 0; i < sessionIds.length; i += 5_000) {
      const live = await this.db
        .selectFrom("authSessions")
        .select("id")
        .where("id", "in", sessionIds.slice(i, i + 5_000))
        .where("revokedAt", "is", null)
        .where("expiresAt", ">", now)
        .execute();
      for (const session of live) alive.add(session.id);
    }
    return sessionIds.filter((id) => !alive.has(id));
  }

  private tokensOf(claims: AccessClaims, sessionExpiresAt: number, refreshToken: string): AuthTokens {
    const accessTokenExpiresAt = Math.min(this.clock.now() + this.limits.accessTtlMs, sessionExpiresAt);
    return {
      accessToken: this.tokens.sign(claims, accessTokenExpiresAt),
      accessTokenExpiresAt: Math.floor(accessTokenExpiresAt / 1000) * 1000,
      refreshToken,
      refreshTokenExpiresAt: sessionExpiresAt,
      sessionId: claims.sessionId,
    };
  }
}
