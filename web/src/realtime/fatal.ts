import type { ErrorCode } from "@easyqr/protocol";

/**
 * Errors that mean the credential this socket used is dead: reconnecting with
 * it would fail the same way, so the connection stops instead.
 */
export function isFatalCode(code: ErrorCode): boolean {
  return (
    code.startsWith("PAIR_TOKEN_") ||
    code.startsWith("PAIR_SESSION_") ||
    /^PAIR_[A-Z]+_TOKEN_INVALID$/.test(code) ||
    code === "PAIR_CODE_INVALID" ||
    code === "ORIGIN_FORBIDDEN" ||
    code === "HANDSHAKE_INVALID"
  );
}
