import { randomUUID } from "node:crypto";
import { OTP_LENGTH, type RequestCodeResponse } from "@easyqr/protocol";
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import type { Db, OtpPurpose } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { RateLimiter } from "../limits/rateLimiter.ts";
import { newOtpCode, type OtpHasher } from "./codes.ts";
import type { OtpDelivery } from "./delivery/index.ts";
import type { Identifier } from "./identifiers.ts";
import type { AuthLimits } from "./limits.ts";

/** What a code was issued for. `userId` is set for a signed-in user changing their email/phone. */
export type OtpScope = { purpose: OtpPurpose; userId: string | null };

/**
 * The only code that changes one-time-code challenges. A challenge is one request for a
 * code to one identifier; a resend replaces its code but keeps its tries, so resending
 * never buys more guesses. Every outcome is the same for known and unknown identifiers.
 */
export class OtpService {
  constructor(
    private readonly db: Db,
    private readonly hasher: OtpHasher,
    private readonly delivery: OtpDelivery,
    private readonly rateLimiter: RateLimiter,
    private readonly clock: Clock,
    private readonly limits: AuthLimits,
    private readonly log: Logger,
  ) {}

  async request(identifier: Identifier, scope: OtpScope, ip: string): Promise<RequestCodeResponse> {
    await this.rateLimiter.take(
      [
        { key: `otp:to:${identifier.value}`, limit: this.limits.sendsPerIdentifier, windowMs: this.limits.sendsPerIdentifierWindowMs },
        { key: `otp:ip:${ip}`, limit: this.limits.sendsPerIp, windowMs: this.limits.sendsPerIpWindowMs },
      ],
      "Too many codes were requested; wait before asking for another.",
    );
    const now = this.clock.now();
    const code = newOtpCode();
    const live = await this.liveChallenge(identifier, scope, now);
    let id: string;
    let expiresAt: number;
    if (live && live.attempts >= this.limits.maxAttempts) {
      // Locked: it stays locked until it expires, and no new code is sent. The answer looks the same.
      this.log.info({ requestId: live.id }, "code requested for a locked challenge: not sent");
      return { requestId: live.id, expiresAt: live.expiresAt, codeLength: OTP_LENGTH };
    } else if (live) {
      id = live.id;
      expiresAt = now + this.limits.codeTtlMs;
      await this.db
        .updateTable("otpChallenges")
        .set((eb) => ({ codeHash: this.hasher.hash(id, code), expiresAt, sends: eb("sends", "+", 1) }))
        .where("id", "=", id)
        .execute();
    } else {
      id = randomUUID();
      expiresAt = now + this.limits.codeTtlMs;
      await this.db
        .insertInto("otpChallenges")
        .values({
          id,
          purpose: scope.purpose,
          kind: identifier.kind,
          identifier: identifier.value,
          userId: scope.userId,
          codeHash: this.hasher.hash(id, code),
          attempts: 0,
          sends: 1,
          createdAt: now,
          expiresAt,
          consumedAt: null,
        })
        .execute();
    }
    try {
      await this.delivery.send({ kind: identifier.kind, to: identifier.value, code, purpose: scope.purpose, ttlMinutes: Math.round(this.limits.codeTtlMs / 60_000) });
    } catch (error) {
      this.log.error({ err: error, driver: this.delivery.name, requestId: id }, "code delivery failed");
      throw new AppError("AUTH_DELIVERY_FAILED", "The code could not be sent right now; try again in a moment.");
    }
    return { requestId: id, expiresAt, codeLength: OTP_LENGTH };
  }

  /**
   * Checks a code and spends it. Each call first takes one of the challenge's tries in one
   * atomic update, so parallel guesses cannot exceed the limit; the right code then wins
   * a second atomic update, so of parallel right answers exactly one succeeds.
   */
  async verify(requestId: string, code: string, scope: OtpScope): Promise<Identifier> {
    const now = this.clock.now();
    const tried = await this.db
      .updateTable("otpChallenges")
      .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
      .where("id", "=", requestId)
      .where("purpose", "=", scope.purpose)
      .where("consumedAt", "is", null)
      .where("expiresAt", ">", now)
      .where("attempts", "<", this.limits.maxAttempts)
      .where((eb) => (scope.userId === null ? eb("userId", "is", null) : eb("userId", "=", scope.userId)))
      .returning(["attempts", "codeHash", "kind", "identifier", "expiresAt"])
      .executeTakeFirst();
    if (!tried) throw await this.whyRefused(requestId, scope, now);

    if (!this.hasher.matches(requestId, code, tried.codeHash)) {
      const left = this.limits.maxAttempts - tried.attempts;
      if (left <= 0) throw locked(tried.expiresAt - now);
      throw new AppError("AUTH_CODE_INVALID", "This code is not right.", { attemptsLeft: left });
    }
    const spent = await this.db
      .updateTable("otpChallenges")
      .set({ consumedAt: now })
      .where("id", "=", requestId)
      .where("consumedAt", "is", null)
      .executeTakeFirst();
    if (spent.numUpdatedRows !== 1n) throw new AppError("AUTH_CODE_USED", "This code was already used.");
    return { kind: tried.kind, value: tried.identifier };
  }

  /** Deletes challenges that ended long ago. */
  async sweep(olderThanMs: number): Promise<void> {
    await this.db.deleteFrom("otpChallenges").where("expiresAt", "<", this.clock.now() - olderThanMs).execute();
  }

  private liveChallenge(identifier: Identifier, scope: OtpScope, now: number) {
    return this.db
      .selectFrom("otpChallenges")
      .select(["id", "attempts", "expiresAt"])
      .where("identifier", "=", identifier.value)
      .where("purpose", "=", scope.purpose)
      .where((eb) => (scope.userId === null ? eb("userId", "is", null) : eb("userId", "=", scope.userId)))
      .where("consumedAt", "is", null)
      .where("expiresAt", ">", now)
      .orderBy("createdAt", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  private async whyRefused(requestId: string, scope: OtpScope, now: number): Promise<AppError> {
    const challenge = await this.db
      .selectFrom("otpChallenges")
      .select(["purpose", "userId", "consumedAt", "expiresAt", "attempts"])
      .where("id", "=", requestId)
      .executeTakeFirst();
    if (!challenge || challenge.purpose !== scope.purpose || challenge.userId !== scope.userId) {
      return new AppError("AUTH_CODE_INVALID", "This code is not right.");
    }
    if (challenge.consumedAt !== null) return new AppError("AUTH_CODE_USED", "This code was already used.");
    if (challenge.attempts >= this.limits.maxAttempts) return locked(Math.max(0, challenge.expiresAt - now));
    if (challenge.expiresAt <= now) return new AppError("AUTH_CODE_EXPIRED", "This code has expired; request a new one.");
    return new AppError("AUTH_CODE_INVALID", "This code is not right.");
  }
}

/** The request is locked until it expires; then a new one can be made. */
function locked(retryAfterMs: number): AppError {
  return new AppError("AUTH_CODE_LOCKED", "Too many wrong codes; request a new code when this one expires.", { retryAfterMs });
}
