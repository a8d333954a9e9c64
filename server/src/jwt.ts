import { createHash } from "node:crypto";
import { createSigner, createVerifier, TokenError } from "fast-jwt";
import type { z } from "zod";
import type { Clock } from "./clock.ts";
import type { AppError } from "./errors.ts";

/** One use of signed tokens (access tokens, pairing tokens): its key, audience, claims and refusals. */
export type TokenUse<Claims> = {
  /** The use's own key is derived from the app secret with this label, so a token of one use never passes as another's. */
  keyLabel: string;
  audience: string;
  issuer?: string;
  /** The use's claims as payload fields (kept short: pairing tokens go into a QR)… */
  toPayload(claims: Claims): Record<string, string>;
  /** …and the payload read back; a payload it refuses is `invalid`. */
  claims: z.ZodType<Claims>;
  invalid(cause?: unknown): AppError;
  expired(): AppError;
  /**
   * Tokens whose signature was checked, kept (most recently used) so that a token presented again
   * is not checked again: an access token comes with every request, and its HMAC, decoding and
   * claim checks were ~30 µs of a history page's ~560 µs. What a token says is kept, not whether
   * it is still good: expiry is checked against the clock at every use, and the caller checks
   * the session (revocation) at every use too.
   */
  verifiedKept?: number;
};

/**
 * HS256 JWTs (fast-jwt, ADR 0002): fast-jwt signs synchronously with node:crypto (WebCrypto's
 * async HMAC cost a thread-pool round trip per token, a third of a pairing's CPU time). Only HS256
 * is accepted: `alg: none`, other algorithms, other audiences (or issuers) and bad signatures are
 * `invalid`. Expiry is checked against the server's clock, which tests move.
 */
export class SignedTokens<Claims> {
  private readonly signer: (payload: Record<string, unknown>) => string;
  private readonly verifier: (token: string) => Record<string, unknown>;

  constructor(
    secret: string,
    private readonly clock: Clock,
    private readonly use: TokenUse<Claims>,
  ) {
    const key = createHash("sha256").update(`${use.keyLabel}:${secret}`).digest();
    const issuer = use.issuer === undefined ? {} : { iss: use.issuer };
    this.signer = createSigner({ key, algorithm: "HS256", aud: use.audience, ...issuer });
    this.verifier = createVerifier({
      key,
      algorithms: ["HS256"],
      allowedAud: use.audience,
      ...(use.issuer === undefined ? {} : { allowedIss: use.issuer }),
      requiredClaims: ["exp", "aud", ...(use.issuer === undefined ? [] : ["iss"])],
      ignoreExpiration: true,
      ignoreNotBefore: true,
      ...(use.verifiedKept ? { cache: use.verifiedKept } : {}),
    });
  }

  sign(claims: Claims, expiresAt: number): string {
    return this.signer({ ...this.use.toPayload(claims), iat: Math.floor(this.clock.now() / 1000), exp: Math.floor(expiresAt / 1000) });
  }

  verify(token: string): Claims {
    let payload: Record<string, unknown>;
    try {
      payload = this.verifier(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw this.use.invalid(error);
    }
    const claims = this.use.claims.safeParse(payload);
    if (typeof payload.exp !== "number" || !claims.success) throw this.use.invalid();
    if (payload.exp * 1000 <= this.clock.now()) throw this.use.expired();
    return claims.data;
  }
}
