import { contactUrl, type ContactQr, type QrPreview } from "@easyqr/protocol";
import { profileFor } from "../access/profiles.ts";
import type { Clock } from "../clock.ts";
import type { ContactQrTokensTable, Db } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { RateLimiter } from "../rateLimiter.ts";
import { userById } from "../users/queries.ts";
import type { ContactLimits } from "./limits.ts";
import { relationOf, tokenByHash } from "./queries.ts";
import { hashContactToken, newContactToken, tokenProblem, usableUntil } from "./tokens.ts";

/**
 * The only code that changes "My QR" tokens. A token is issued on request (the client asks again
 * about every minute while it shows the QR, which replaces the older ones), is accepted for two
 * minutes at most and a short grace after being replaced, and carries a bounded number of requests.
 */
export class ContactQrService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly limits: ContactLimits,
    private readonly rateLimiter: RateLimiter,
    private readonly publicUrl: () => string,
  ) {}

  /** A new token for "My QR"; the user's older ones are replaced (they keep working a short grace). */
  async create(userId: string): Promise<ContactQr> {
    await this.rateLimiter.take(
      [{ key: `contacts:qr:${userId}`, limit: this.limits.qrIssuesPerUser, windowMs: this.limits.qrIssuesWindowMs }],
      "Too many QR codes were made; wait a little.",
    );
    const now = this.clock.now();
    const token = newContactToken();
    const expiresAt = now + this.limits.qrTtlMs;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable("contactQrTokens").set({ rotatedAt: now }).where("userId", "=", userId).where("rotatedAt", "is", null).execute();
      await trx
        .insertInto("contactQrTokens")
        .values({ tokenHash: hashContactToken(token), userId, createdAt: now, expiresAt, rotatedAt: null, uses: 0, maxUses: this.limits.qrMaxUses })
        .execute();
    });
    return { url: contactUrl(this.publicUrl(), token), token, expiresAt, rotatesAt: now + this.limits.qrRotateEveryMs, maxUses: this.limits.qrMaxUses };
  }

  /** The user stopped showing "My QR": every token of theirs stops working now. */
  async revoke(userId: string): Promise<void> {
    const now = this.clock.now();
    await this.db.updateTable("contactQrTokens").set({ expiresAt: now }).where("userId", "=", userId).where("expiresAt", ">", now).execute();
  }

  /** Whose QR this is, before anything is sent. */
  async preview(viewerId: string, token: string): Promise<QrPreview> {
    await this.rateLimiter.take(
      [{ key: `contacts:preview:${viewerId}`, limit: this.limits.previewsPerUser, windowMs: this.limits.previewsWindowMs }],
      "Too many codes were scanned; wait a little.",
    );
    const row = await this.usable(token);
    if (row.userId === viewerId) throw new AppError("CONTACT_SELF", "This is your own QR code.");
    const owner = await userById(this.db, row.userId);
    if (!owner) throw invalid();
    const relation = await relationOf(this.db, viewerId, owner.id, this.clock.now());
    return {
      user: profileFor(owner, relation === "connected" ? "connection" : "stranger"),
      relation,
      expiresAt: usableUntil(row, this.limits.qrRotationGraceMs),
    };
  }

  /** The token's row when it can carry a request now; otherwise the error that says why not. */
  async usable(token: string): Promise<ContactQrTokensTable> {
    const row = await tokenByHash(this.db, hashContactToken(token));
    const problem = tokenProblem(row, this.clock.now(), this.limits.qrRotationGraceMs);
    if (problem) throw problem;
    if (!row) throw invalid();
    return row;
  }

  /** Spends one use of a token inside a request's transaction, atomically: of parallel uses at most `maxUses` succeed. */
  async redeem(trx: Db, tokenHash: string, now: number): Promise<void> {
    const spent = await trx
      .updateTable("contactQrTokens")
      .set((eb) => ({ uses: eb("uses", "+", 1) }))
      .where("tokenHash", "=", tokenHash)
      .where((eb) => eb("uses", "<", eb.ref("maxUses")))
      .where("expiresAt", ">", now)
      .where((eb) => eb.or([eb("rotatedAt", "is", null), eb("rotatedAt", ">", now - this.limits.qrRotationGraceMs)]))
      .executeTakeFirst();
    if (spent.numUpdatedRows === 1n) return;
    throw tokenProblem(await tokenByHash(trx, tokenHash), now, this.limits.qrRotationGraceMs) ?? invalid();
  }

  /** Forgets tokens that ended longer ago than the retention (late scans of them now read as invalid). */
  async sweep(): Promise<number> {
    const result = await this.db
      .deleteFrom("contactQrTokens")
      .where("expiresAt", "<=", this.clock.now() - this.limits.qrRetentionMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function invalid(): AppError {
  return new AppError("CONTACT_QR_INVALID", "This is not a valid EasyQR contact code.");
}
