import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { PAIRING_CODE_ALPHABET } from "@easyqr/protocol";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";

const AUDIENCE = "easyqr:pair";
const ISSUER = "easyqr";

export type PairClaims = { sessionId: string; jti: string };

/** Signs and checks the short-lived phone tokens that go into the QR (HS256 JWTs). */
export class PairTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    // A key of its own, derived from the app secret, so pairing tokens can never pass as other tokens.
    this.key = createHash("sha256").update(`pairing:${secret}`).digest();
  }

  async sign(sessionId: string, ttlMs: number): Promise<{ token: string; jti: string; expiresAt: number }> {
    const jti = randomUUID();
    const now = this.clock.now();
    const expiresAt = now + ttlMs;
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(jti)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.key);
    return { token, jti, expiresAt };
  }

  async verify(token: string): Promise<PairClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        audience: AUDIENCE,
        issuer: ISSUER,
        currentDate: new Date(this.clock.now()),
        clockTolerance: 0,
      });
      if (typeof payload.sid !== "string" || typeof payload.jti !== "string") throw new Error("claims missing");
      return { sessionId: payload.sid, jti: payload.jti };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new AppError("PAIR_TOKEN_EXPIRED", "This pairing code has expired.", undefined, { cause: error });
      }
      throw new AppError("PAIR_TOKEN_INVALID", "This pairing code is not valid.", undefined, { cause: error });
    }
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
