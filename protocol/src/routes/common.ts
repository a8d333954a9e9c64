import type { ErrorCode } from "../errors.ts";

/** What any route that needs a signed-in user may answer besides its own errors. */
export const authErrors = ["AUTH_REQUIRED", "AUTH_TOKEN_INVALID", "AUTH_TOKEN_EXPIRED", "AUTH_SESSION_REVOKED"] as const satisfies readonly ErrorCode[];
