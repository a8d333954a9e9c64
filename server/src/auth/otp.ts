import { randomUUID } from "node:crypto";
import { OTP_LENGTH, type RequestCodeResponse } from "@easyqr/protocol";
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import type { Db, OtpPurpose } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { RateLimiter, RateRule } from "../rateLimiter.ts";
import { newOtpCode, type OtpHasher } from "./codes.ts";
import type { OtpDelivery } from "./delivery/index.ts";
import type { Identifier } from "./identifiers.ts";
import type { AuthLimits } from "./limits.ts";

/** What a code was issued for. `userId` is set for a signed-in user changing their email/phone. */
export type OtpScope = { purpose: OtpPurpose; userId: string | null };

/** What a right code is spent on, inside the transaction that spends it. */
export type SpendCode<T> = (trx: Db, identifier: Identifier) => Promise<T>;

type Attempt<T> =
  | { kind: "limited"; retryAfterMs: number }
  | { kind: "unknown" }
  | { kind: "refused" }
  | { kind: "wrong"; attempts: number; expiresAt: number }
  | { kind: "right"; value: T };

/**
 * The only code that changes one-time-code challenges. A challenge is one request for a code
 * to one identifier, with its own id, code and tries: asking again makes another challenge and
 * leaves the earlier ones working, and nobody learns another requester's id, so a stranger can
 * neither spend nor lock the owner's tries. Wrong codes also count per IP and per identifier
 * (limits.ts). Every outcome is the same for known and unknown identifiers.
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
    const to = `otp:to:${identifier.value}`;
    await this.rateLimiter.take(
      [
        { key: `${to}:ip:${ip}`, limit: this.limits.sendsPerIdentifierIp, windowMs: this.limits.sendsPerIdentifierIpWindowMs },
        { key: to, limit: this.limits.sendsPerIdentifier, windowMs: this.limits.sendsPerIdentifierWindowMs },
        { key: `otp:ip:${ip}`, limit: this.limits.sendsPerIp, windowMs: this.limits.sendsPerIpWindowMs },
      ],
      "Too many codes were requested; wait before asking for another.",
    );
    const now = this.clock.now();
    const code = newOtpCode();
    const id = randomUUID();
    const expiresAt = now + this.limits.codeTtlMs;
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
    try {
      await this.delivery.send({
        kind: identifier.kind,
        to: identifier.value,
        code,
        purpose: scope.purpose,
        ttlMinutes: Math.round(this.limits.codeTtlMs / 60_000),
      });
    } catch (error) {
      this.log.error({ err: error, driver: this.delivery.name, requestId: id }, "code delivery failed");
      throw new AppError("AUTH_DELIVERY_FAILED", "The code could not be sent right now; try again in a moment.");
    }
    return { requestId: id, expiresAt, codeLength: OTP_LENGTH };
  }

  /**
   * Checks a code and, when it is right, spends it on `spend` in the same transaction: if that
   * fails (the user or session cannot be stored) nothing is spent and the code still works.
   * Every attempt first takes one of the challenge's tries in an atomic update, with the wrong-code
   * counters of its IP and identifier locked, so parallel guesses cannot exceed any limit; the
   * challenge's row stays locked until the commit, so of parallel right answers exactly one wins.
   */
  async verify<T>(requestId: string, code: string, scope: OtpScope, ip: string, spend: SpendCode<T>): Promise<T> {
    const now = this.clock.now();
    const challenge = await this.db.selectFrom("otpChallenges").select(["identifier", "purpose", "userId"]).where("id", "=", requestId).executeTakeFirst();
    const identifier = challenge && challenge.purpose === scope.purpose && challenge.userId === scope.userId ? challenge.identifier : undefined;
    const rules = this.failureRules(identifier, ip);
    const attempt = await this.db.transaction().execute(async (trx): Promise<Attempt<T>> => {
      const retryAfterMs = await this.rateLimiter.lockAndWait(trx, rules, now);
      if (retryAfterMs > 0) return { kind: "limited", retryAfterMs };
      if (identifier === undefined) {
        await this.rateLimiter.count(trx, rules, now);
        return { kind: "unknown" };
      }
      const tried = await trx
        .updateTable("otpChallenges")
        .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
        .where("id", "=", requestId)
        .where("consumedAt", "is", null)
        .where("expiresAt", ">", now)
        .where("attempts", "<", this.limits.maxAttempts)
        .returning(["attempts", "codeHash", "kind", "identifier", "expiresAt"])
        .executeTakeFirst();
      if (!tried) return { kind: "refused" };
      if (!this.hasher.matches(requestId, code, tried.codeHash)) {
        await this.rateLimiter.count(trx, rules, now);
        return { kind: "wrong", attempts: tried.attempts, expiresAt: tried.expiresAt };
      }
      await trx.updateTable("otpChallenges").set({ consumedAt: now }).where("id", "=", requestId).execute();
      return { kind: "right", value: await spend(trx, { kind: tried.kind, value: tried.identifier }) };
    });
    switch (attempt.kind) {
      case "right":
        return attempt.value;
      case "limited":
        this.log.info({ ip, requestId, retryAfterMs: attempt.retryAfterMs }, "code check refused: too many wrong codes");
        throw new AppError("RATE_LIMITED", "Too many wrong codes were tried; wait before trying again.", { retryAfterMs: attempt.retryAfterMs });
      case "unknown":
        throw new AppError("AUTH_CODE_INVALID", "This code is not right.");
      case "refused":
        throw await this.whyRefused(requestId, now);
      case "wrong": {
        const left = this.limits.maxAttempts - attempt.attempts;
        if (left <= 0) throw locked(attempt.expiresAt - now);
        throw new AppError("AUTH_CODE_INVALID", "This code is not right.", { attemptsLeft: left });
      }
    }
  }

  /** Deletes challenges that ended long ago. */
  async sweep(olderThanMs: number): Promise<void> {
    await this.db
      .deleteFrom("otpChallenges")
      .where("expiresAt", "<", this.clock.now() - olderThanMs)
      .execute();
  }

  /** Where a wrong code counts: its IP, and (for a known request) its identifier, from this IP and from all. */
  private failureRules(identifier: string | undefined, ip: string): RateRule[] {
    const l = this.limits;
    const perIp = { key: `otp:wrong:ip:${ip}`, limit: l.failuresPerIp, windowMs: l.failuresPerIpWindowMs };
    if (identifier === undefined) return [perIp];
    const to = `otp:wrong:to:${identifier}`;
    return [
      perIp,
      { key: `${to}:ip:${ip}`, limit: l.failuresPerIdentifierIp, windowMs: l.failuresPerIdentifierIpWindowMs },
      { key: to, limit: l.failuresPerIdentifier, windowMs: l.failuresPerIdentifierWindowMs },
    ];
  }

  private async whyRefused(requestId: string, now: number): Promise<AppError> {
    const challenge = await this.db.selectFrom("otpChallenges").select(["consumedAt", "expiresAt", "attempts"]).where("id", "=", requestId).executeTakeFirst();
    if (!challenge) return new AppError("AUTH_CODE_INVALID", "This code is not right.");
    if (challenge.consumedAt !== null) return new AppError("AUTH_CODE_USED", "This code was already used.");
    if (challenge.attempts >= this.limits.maxAttempts) return locked(Math.max(0, challenge.expiresAt - now));
    if (challenge.expiresAt <= now) return new AppError("AUTH_CODE_EXPIRED", "This code has expired; request a new one.");
    return new AppError("AUTH_CODE_INVALID", "This code is not right.");
  }
}

/** This request is locked until it expires; a new request gets a new code and its own tries at once. */
function locked(retryAfterMs: number): AppError {
  return new AppError("AUTH_CODE_LOCKED", "Too many wrong codes for this request; request a new code.", { retryAfterMs });
}
