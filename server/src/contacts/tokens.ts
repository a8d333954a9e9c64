import { createHash, randomBytes } from "node:crypto";
import type { ContactQrTokensTable } from "../db/schema.ts";
import { AppError } from "../errors.ts";

/** A "My QR" token: 128 random bits, 22 characters of base64url (a sparse QR). */
export function newContactToken(): string {
  return randomBytes(16).toString("base64url");
}

/** Only this is stored: a database leak gives nobody a working QR. */
export function hashContactToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

type TokenState = Pick<ContactQrTokensTable, "expiresAt" | "rotatedAt" | "uses" | "maxUses">;

/** The last moment a token is accepted: its expiry, or the end of the grace after it was replaced. */
export function usableUntil(token: TokenState, rotationGraceMs: number): number {
  return token.rotatedAt === null ? token.expiresAt : Math.min(token.expiresAt, token.rotatedAt + rotationGraceMs);
}

/** Why this token cannot carry a request now; undefined when it can. */
export function tokenProblem(token: TokenState | undefined, now: number, rotationGraceMs: number): AppError | undefined {
  if (!token) return new AppError("CONTACT_QR_INVALID", "This is not a valid EasyQR contact code.");
  if (token.expiresAt <= now) return new AppError("CONTACT_QR_EXPIRED", "This QR code has expired; ask them to show theirs again.");
  if (usableUntil(token, rotationGraceMs) <= now) return new AppError("CONTACT_QR_ROTATED", "They are showing a newer QR code; scan it again.");
  if (token.uses >= token.maxUses) return new AppError("CONTACT_QR_USED_UP", "This QR code has been used as often as it can; ask them for a new one.");
  return undefined;
}
