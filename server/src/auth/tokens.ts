import { createHash, randomBytes } from "node:crypto";
import { createSigner, createVerifier, TokenError } from "fast-jwt";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";

const AUDIENCE = "easyqr:access";
const ISSUER = "easyqr";

/** Who an access token speaks for: a user, through one sign-in session. */
export type AccessClaims = { userId: string; sessionId: string };

/**
 * Access tokens: HS256 JWTs (fast-jwt, see ADR 0002) with a key derived from the app
 * secret for this use only, so pairing tokens never pass as access tokens. Only HS256 is
 * accepted: `alg: none`, other algorithms, other audiences and bad signatures are refused.
 * Expiry is checked against the server's clock.
 */
export class AccessTokens {
  private readonly signer: (payload: Record<string, unknown>) => string;
  private readonly verifier: (token: string) => Record<string, unknown>;

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    const key = createHash("sha256").update(`access:${secret}`).digest();
    this.signer = createSigner({ key, algorithm: "HS256", aud: AUDIENCE, iss: ISSUER });
    this.verifier = createVerifier({
      key,
      algorithms: ["HS256"],
      allowedAud: AUDIENCE,
      allowedIss: ISSUER,
      requiredClaims: ["sub", "sid", "exp", "aud", "iss"],
      ignoreExpiration: true,
      ignoreNotBefore: true,
    });
  }

  sign(claims: AccessClaims, expiresAt: number): string {
    return this.signer({ sub: claims.userId, sid: claims.sessionId, iat: Math.floor(this.clock.now() / 1000), exp: Math.floor(expiresAt / 1000) });
  }

  verify(token: string): AccessClaims {
    let claims: Record<string, unknown>;
    try {
      claims = this.verifier(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new AppError("AUTH_TOKEN_INVALID", "This access token is not valid.", undefined, { cause: error });
    }
    const { sub, sid, exp } = claims;
    if (typeof sub !== "string" || typeof sid !== "string" || typeof exp !== "number") {
      throw new AppError("AUTH_TOKEN_INVALID", "This access token is not valid.");
    }
    if (exp * 1000 <= this.clock.now()) throw new AppError("AUTH_TOKEN_EXPIRED", "This access token has expired; refresh it.");
    return { userId: sub, sessionId: sid };
  }
}

/** A refresh token: 256 random bits. Only its hash is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
