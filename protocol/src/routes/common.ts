import type { ErrorCode } from "../errors.ts";

/**
 * What any route that needs a signed-in user may answer besides its own errors. UNAVAILABLE (503):
 * its session is checked in the database, which may be out of reach (retry after `retryAfterMs`).
 */
export const authErrors = [
  "AUTH_REQUIRED",
  "AUTH_TOKEN_INVALID",
  "AUTH_TOKEN_EXPIRED",
  "AUTH_SESSION_REVOKED",
  "UNAVAILABLE",
] as const satisfies readonly ErrorCode[];
