import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import { SignedTokens } from "../jwt.ts";

/** Who an access token speaks for: a user, through one sign-in session. */
export type AccessClaims = { userId: string; sessionId: string };

export type AccessTokens = SignedTokens<AccessClaims>;

/** Access tokens: `sub` the user, `sid` the sign-in session; a key of their own (see jwt.ts). */
export function accessTokens(secret: string, clock: Clock): AccessTokens {
  return new SignedTokens(secret, clock, {
    keyLabel: "access",
    audience: "easyqr:access",
    issuer: "easyqr",
    toPayload: (claims) => ({ sub: claims.userId, sid: claims.sessionId }),
    claims: z.object({ sub: z.string(), sid: z.string() }).transform((p) => ({ userId: p.sub, sessionId: p.sid })),
    invalid: (cause) => new AppError("AUTH_TOKEN_INVALID", "This access token is not valid.", undefined, { cause }),
    expired: () => new AppError("AUTH_TOKEN_EXPIRED", "This access token has expired; refresh it."),
    // An access token lives 15 minutes and is sent with every request: the ones of 10,000 busy devices (~4 MB).
    verifiedKept: 10_000,
  });
}

/** A refresh token: 256 random bits. Only its hash is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
