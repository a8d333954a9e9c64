import { createHash, randomFillSync, randomInt, timingSafeEqual } from "node:crypto";
import { PAIRING_CODE_ALPHABET } from "@easyqr/protocol";
import { z } from "zod";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import { SignedTokens } from "../jwt.ts";

export type PairClaims = { sessionId: string; jti: string };

export type PairTokens = SignedTokens<PairClaims>;

/** The short-lived phone tokens that go into the QR; a key of their own (see jwt.ts). */
export function pairTokens(secret: string, clock: Clock): PairTokens {
  return new SignedTokens(secret, clock, {
    keyLabel: "pairing",
    audience: "easyqr:pair",
    toPayload: (claims) => ({ sid: claims.sessionId, jti: claims.jti }),
    claims: z.object({ sid: z.string(), jti: z.string() }).transform((p) => ({ sessionId: p.sid, jti: p.jti })),
    invalid: (cause) => new AppError("PAIR_TOKEN_INVALID", "This pairing code is not valid.", undefined, { cause }),
    expired: () => new AppError("PAIR_TOKEN_EXPIRED", "This pairing code has expired."),
  });
}

/** A new phone token for the session, until `expiresAt`. */
export function newPairToken(tokens: PairTokens, sessionId: string, expiresAt: number): { token: string; jti: string; expiresAt: number } {
  // Short claims keep the QR sparse enough for older phone cameras: 96 random bits are plenty for an id.
  const jti = randomToken(12);
  return { token: tokens.sign({ sessionId, jti }, expiresAt), jti, expiresAt };
}

/** A random secret for the desktop or a paired phone; only its hash is kept. */
export function newSecret(): string {
  return randomToken(32);
}

/**
 * Random bytes are drawn from the CSPRNG 4 KB at a time, as node's own `randomUUID` does: a draw
 * per token was a syscall each, three for every pairing. Each byte is handed out once.
 */
const pool = Buffer.alloc(4096);
let poolUsed = pool.length;

/** `bytes` random bytes as base64url. */
function randomToken(bytes: number): string {
  if (poolUsed + bytes > pool.length) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  const token = pool.toString("base64url", poolUsed, poolUsed + bytes);
  poolUsed += bytes;
  return token;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

export function secretMatches(secret: string, hash: string): boolean {
  return sameText(hashSecret(secret), hash);
}

/** Whether two strings are equal, in a time that does not depend on where they differ. */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** 8 characters of Crockford base32 from a CSPRNG (40 bits). */
export function newPairingCode(): string {
  let code = "";
  for (let i = 0; i < 8; i++) code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  return code;
}
