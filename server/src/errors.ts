import type { DetailedErrorCode, ErrorBody, ErrorCode, ErrorDetails, PlainErrorCode } from "@easyqr/protocol";
import { databaseUnreachable } from "./db/errors.ts";
import { redisUnreachable } from "./redis/errors.ts";

/** Every code has its status: a new code without one does not compile, so nothing meant as 4xx falls to 500. */
const statuses = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  HANDSHAKE_INVALID: 400,
  FRAME_INVALID: 400,
  PAIR_CODE_INVALID: 400,
  IDENTIFIER_INVALID: 400,
  UPLOAD_INVALID: 400,
  AUTH_CODE_INVALID: 400,
  CONTACT_QR_INVALID: 400,
  CONTACT_SELF: 400,
  LINK_SIGNATURE_INVALID: 401,
  LINK_TICKET_INVALID: 401,
  AUTH_PROOF_INVALID: 401,
  AUTH_REQUIRED: 401,
  AUTH_TOKEN_INVALID: 401,
  AUTH_TOKEN_EXPIRED: 401,
  AUTH_SESSION_REVOKED: 401,
  AUTH_REFRESH_INVALID: 401,
  AUTH_REFRESH_EXPIRED: 401,
  AUTH_REFRESH_REUSED: 401,
  PAIR_TOKEN_INVALID: 401,
  PAIR_DESKTOP_TOKEN_INVALID: 401,
  PAIR_PHONE_TOKEN_INVALID: 401,
  ORIGIN_FORBIDDEN: 403,
  HANDSHAKE_TIMEOUT: 408,
  NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  USERNAME_NOT_FOUND: 404,
  PAIR_SESSION_NOT_FOUND: 404,
  CONTACT_REQUEST_NOT_FOUND: 404,
  CHAT_NOT_FOUND: 404,
  LINK_NOT_FOUND: 404,
  DEVICE_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  ATTACHMENT_NOT_FOUND: 404,
  CHAT_NOT_CONNECTED: 403,
  GROUP_NOT_MEMBER: 403,
  NOT_GROUP_ADMIN: 403,
  GROUP_NOT_CONNECTED: 403,
  GROUP_MEMBER_NOT_FOUND: 404,
  GROUP_JOIN_REQUEST_NOT_FOUND: 404,
  GROUP_FULL: 409,
  GROUP_LAST_ADMIN: 409,
  GROUP_LIMIT: 429,
  INVITE_INVALID: 400,
  INVITE_EXPIRED: 410,
  INVITE_REVOKED: 410,
  MESSAGE_NOT_YOURS: 403,
  PAIR_TOKEN_USED: 409,
  PAIR_SESSION_FULL: 409,
  PAIR_NOT_PAIRED: 409,
  AUTH_CODE_USED: 409,
  USERNAME_TAKEN: 409,
  EMAIL_TAKEN: 409,
  PHONE_TAKEN: 409,
  CONTACT_ALREADY_CONNECTED: 409,
  CONTACT_REQUEST_PENDING: 409,
  CONTACT_BLOCKED: 409,
  LINK_ALREADY_USED: 409,
  DEVICE_LIMIT: 409,
  DEVICE_OFFLINE: 409,
  SCAN_TARGET_INVALID: 409,
  CHAT_PIN_LIMIT: 409,
  MESSAGE_EDIT_EXPIRED: 409,
  MESSAGE_DELETED: 410,
  LINK_GONE: 410,
  PAIR_TOKEN_EXPIRED: 410,
  PAIR_TOKEN_ROTATED: 410,
  PAIR_SESSION_EXPIRED: 410,
  PAIR_SESSION_CLOSED: 410,
  AUTH_CODE_EXPIRED: 410,
  CONTACT_QR_EXPIRED: 410,
  CONTACT_QR_ROTATED: 410,
  CONTACT_QR_USED_UP: 410,
  FRAME_TOO_LARGE: 413,
  UPLOAD_TOO_LARGE: 413,
  BODY_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UPLOAD_UNSUPPORTED: 415,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  AUTH_CODE_LOCKED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  AUTH_DELIVERY_FAILED: 503,
  SLOW_CONSUMER: 503,
} satisfies Record<ErrorCode, number>;

/** The HTTP status an error code is sent with. */
export function statusOf(code: ErrorCode): number {
  return statuses[code];
}

type ErrorOptions = { cause?: unknown };

/**
 * What `new AppError(…)` takes: a code, a message for developers, then the code's `data` as
 * `ErrorDetails` in the protocol types it (a code without details takes none), then the cause.
 */
export type AppErrorArgs =
  | [code: PlainErrorCode, message: string, data?: undefined, options?: ErrorOptions]
  | { [C in DetailedErrorCode]: [code: C, message: string, data?: ErrorDetails<C>, options?: ErrorOptions] }[DetailedErrorCode];

/** The one error type: a code from the protocol, an HTTP status, optional data for the client. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly data: ErrorDetails<DetailedErrorCode> | undefined;

  constructor(...[code, message, data, options]: AppErrorArgs) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
    this.data = data;
    this.status = statusOf(code);
  }

  toBody(): ErrorBody {
    return this.data ? { code: this.code, message: this.message, data: this.data } : { code: this.code, message: this.message };
  }
}

/**
 * How long a client waits before sending again while the database or Redis is away: the pool tries
 * a new connection per request, and ioredis reconnects every ≤ 2 s, so a retry every 2 s finds it
 * back within about that much of its return.
 */
export const UNAVAILABLE_RETRY_MS = 2_000;

/** Which store an error says is out of reach (its connection refused, reset, timed out), if any. */
export function unreachableStore(error: unknown): "database" | "Redis" | undefined {
  if (databaseUnreachable(error)) return "database";
  return redisUnreachable(error) ? "Redis" : undefined;
}

/**
 * An error as a client hears it: an AppError as it is, the database or Redis out of reach as
 * UNAVAILABLE (a "not now", not an answer); undefined for anything else, which leaves as INTERNAL
 * and is logged.
 */
export function knownError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const store = unreachableStore(error);
  if (!store) return undefined;
  return new AppError(
    "UNAVAILABLE",
    `The server cannot reach its ${store} for the moment. Try again shortly.`,
    { retryAfterMs: UNAVAILABLE_RETRY_MS },
    { cause: error },
  );
}

export const internalError: ErrorBody = { code: "INTERNAL", message: "Something went wrong on our side." };
