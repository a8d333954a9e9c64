import { z } from "zod";

/** Every error code a client can see. Clients branch on `code`, never on `message`. */
export const ErrorCode = z.enum([
  "BAD_REQUEST",
  "NOT_FOUND",
  "RATE_LIMITED",
  "INTERNAL",
  "ORIGIN_FORBIDDEN",
  "HANDSHAKE_INVALID",
  "HANDSHAKE_TIMEOUT",
  "FRAME_INVALID",
  "FRAME_TOO_LARGE",
  "SLOW_CONSUMER",
  "PAIR_TOKEN_INVALID",
  "PAIR_TOKEN_EXPIRED",
  "PAIR_TOKEN_USED",
  "PAIR_TOKEN_ROTATED",
  "PAIR_CODE_INVALID",
  "PAIR_SESSION_NOT_FOUND",
  "PAIR_SESSION_EXPIRED",
  "PAIR_SESSION_CLOSED",
  "PAIR_SESSION_FULL",
  "PAIR_DESKTOP_TOKEN_INVALID",
  "PAIR_PHONE_TOKEN_INVALID",
  "PAIR_NOT_PAIRED",
  "AUTH_REQUIRED",
  "AUTH_TOKEN_INVALID",
  "AUTH_TOKEN_EXPIRED",
  "AUTH_SESSION_REVOKED",
  "AUTH_REFRESH_INVALID",
  "AUTH_REFRESH_EXPIRED",
  "AUTH_REFRESH_REUSED",
  "AUTH_CODE_INVALID",
  "AUTH_CODE_EXPIRED",
  "AUTH_CODE_LOCKED",
  "AUTH_CODE_USED",
  "AUTH_DELIVERY_FAILED",
  "IDENTIFIER_INVALID",
  "USERNAME_TAKEN",
  "EMAIL_TAKEN",
  "PHONE_TAKEN",
  "USER_NOT_FOUND",
  "UPLOAD_TOO_LARGE",
  "UPLOAD_UNSUPPORTED",
  "UPLOAD_INVALID",
  "CONTACT_QR_INVALID",
  "CONTACT_QR_EXPIRED",
  "CONTACT_QR_ROTATED",
  "CONTACT_QR_USED_UP",
  "CONTACT_SELF",
  "CONTACT_ALREADY_CONNECTED",
  "CONTACT_REQUEST_PENDING",
  "CONTACT_REQUEST_NOT_FOUND",
  "CONTACT_BLOCKED",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The one error shape of every HTTP response and socket error. */
export const ErrorEnvelope = z.object({ error: ErrorBody });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
