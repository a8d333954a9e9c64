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
