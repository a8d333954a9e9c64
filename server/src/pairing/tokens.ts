import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { createSigner, createVerifier, TokenError } from "fast-jwt";
import { PAIRING_CODE_ALPHABET } from "@easyqr/protocol";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";

const AUDIENCE = "easyqr:pair";

export type PairClaims = { sessionId: string; jti: string };

/**
 * Signs and checks the short-lived phone tokens that go into the QR (HS256 JWTs).
 * fast-jwt signs synchronously with node:crypto; WebCrypto's async HMAC cost a
 * thread-pool round trip per token and was a third of a pairing's CPU time.
 */
export class PairTokens {
  private readonly signer: (payload: Record<string, unknown>) => string;
  private readonly verifier: (token: string) => Record<string, unknown>;

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    // A key of its own, derived from the app secret, so pairing tokens can never pass as other tokens.
    const key = createHash("sha256").update(`pairing:${secret}`).digest();
    this.signer = createSigner({ key, algorithm: "HS256", aud: AUDIENCE });
    // Expiry is checked below against the server's clock, which tests move.
    this.verifier = createVerifier({ key, algorithms: ["HS256"], allowedAud: AUDIENCE, ignoreExpiration: true, ignoreNotBefore: true });
  }

  sign(sessionId: string, ttlMs: number): { token: string; jti: string; expiresAt: number } {
    // Short claims keep the QR sparse enough for older phone cameras: 96 random bits are plenty for an id.
    const jti = randomBytes(12).toString("base64url");
    const now = this.clock.now();
    const expiresAt = now + ttlMs;
    const token = this.signer({ sid: sessionId, jti, iat: Math.floor(now / 1000), exp: Math.floor(expiresAt / 1000) });
    return { token, jti, expiresAt };
  }

  verify(token: string): PairClaims {
    let claims: Record<string, unknown>;
    try {
      claims = this.verifier(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new AppError("PAIR_TOKEN_INVALID", "This pairing code is not valid.", undefined, { cause: error });
    }
    const { sid, jti, exp } = claims;
    if (typeof sid !== "string" || typeof jti !== "string" || typeof exp !== "number") {
      throw new AppError("PAIR_TOKEN_INVALID", "This pairing code is not valid.");
    }
    if (exp * 1000 <= this.clock.now()) throw new AppError("PAIR_TOKEN_EXPIRED", "This pairing code has expired.");
    return { sessionId: sid, jti };
  }
}

/** A random secret for the desktop or a paired phone; only its hash is kept. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret));
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 8 characters of Crockford base32 from a CSPRNG (40 bits). */
export function newPairingCode(): string {
  let code = "";
  for (let i = 0; i < 8; i++) code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  return code;
}
