import * as z from "zod/mini";
import { Device } from "./linking.ts";

/** Every error code a client can see. Clients branch on `code`, never on `message`. */
export const ErrorCode = z.enum([
  "BAD_REQUEST",
  "VALIDATION",
  "BODY_TOO_LARGE",
  "URI_TOO_LONG",
  "HEADERS_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "NOT_FOUND",
  "RATE_LIMITED",
  "INTERNAL",
  "UNAVAILABLE",
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
  "USERNAME_NOT_FOUND",
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
  "CHAT_NOT_FOUND",
  "CHAT_NOT_CONNECTED",
  "CHAT_PIN_LIMIT",
  "MESSAGE_NOT_FOUND",
  "MESSAGE_NOT_YOURS",
  "MESSAGE_EDIT_EXPIRED",
  "MESSAGE_DELETED",
  "ATTACHMENT_NOT_FOUND",
  "AUTH_PROOF_INVALID",
  "LINK_NOT_FOUND",
  "LINK_ALREADY_USED",
  "LINK_GONE",
  "LINK_TICKET_INVALID",
  "LINK_SIGNATURE_INVALID",
  "DEVICE_LIMIT",
  "DEVICE_NOT_FOUND",
  "DEVICE_OFFLINE",
  "SCAN_TARGET_INVALID",
  "GROUP_NOT_MEMBER",
  "NOT_GROUP_ADMIN",
  "GROUP_FULL",
  "GROUP_LIMIT",
  "GROUP_NOT_CONNECTED",
  "GROUP_MEMBER_NOT_FOUND",
  "GROUP_LAST_ADMIN",
  "GROUP_JOIN_REQUEST_NOT_FOUND",
  "INVITE_INVALID",
  "INVITE_EXPIRED",
  "INVITE_REVOKED",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

const waitMs = z.number().check(z.nonnegative());

/**
 * What `data` carries, per code: the details a client may show (when to retry, tries left, the
 * limit that was hit). A code not listed carries no data. The envelope keeps `data` an open record
 * on the wire, so a client reads it through `errorDetails`, which checks it against this schema.
 */
export const ErrorDetails = {
  /** When to try again (also the `Retry-After` header of an HTTP answer, in seconds). */
  RATE_LIMITED: z.object({ retryAfterMs: waitMs }),
  /**
   * The server cannot reach its database (or Redis) for now: send the same request again after this.
   * A SEND may have been stored just before the connection broke; its resend under the same id answers it.
   */
  UNAVAILABLE: z.object({ retryAfterMs: waitMs }),
  /** What is wrong with a phone number as typed (an email that is not one is VALIDATION). */
  IDENTIFIER_INVALID: z.object({
    problem: z.enum(["too_short", "too_long", "unknown_country_code", "needs_country_code", "invalid_number"]),
    /** The country calling code it starts with (`44` of `+44 …`), when it has a known one. */
    callingCode: z.optional(z.string().check(z.regex(/^\d{1,3}$/))),
  }),
  /** Pinning one more chat than this is refused. */
  CHAT_PIN_LIMIT: z.object({ max: z.int().check(z.positive()) }),
  /** The group holds at most this many members (or pending join requests). */
  GROUP_FULL: z.object({ max: z.int().check(z.positive()) }),
  /** Groups one person may create per day, and when the next may be created. */
  GROUP_LIMIT: z.object({ max: z.int().check(z.positive()), retryAfterMs: waitMs }),
  /** The people named who are not the adder's connections (nobody was added). */
  GROUP_NOT_CONNECTED: z.object({ userIds: z.array(z.string()) }),
  /** Wrong code: how many tries this code request has left. */
  AUTH_CODE_INVALID: z.object({ attemptsLeft: z.int().check(z.nonnegative()) }),
  /** Locked until the code request expires. */
  AUTH_CODE_LOCKED: z.object({ retryAfterMs: waitMs }),
  /** The limit that was hit: bytes of the file, or pixels of the image. */
  UPLOAD_TOO_LARGE: z.union([z.object({ maxBytes: z.int().check(z.positive()) }), z.object({ maxPixels: z.int().check(z.positive()) })]),
  /** How long after sending a message may be edited (or deleted for everyone). */
  MESSAGE_EDIT_EXPIRED: z.object({ windowMs: z.int().check(z.positive()) }),
  /** The attachment of a SEND that was missing. */
  ATTACHMENT_NOT_FOUND: z.object({ attachmentId: z.string() }),
  /** The account's linked devices (remove one to link another) and the limit. */
  DEVICE_LIMIT: z.object({ devices: z.array(Device), limit: z.int().check(z.positive()) }),
  /** The server's clock (ms): a device whose own clock is off signs its refresh once more at this time. */
  AUTH_PROOF_INVALID: z.object({ serverTime: z.int() }),
} as const satisfies Partial<Record<ErrorCode, z.ZodMiniType<Record<string, unknown>>>>;

/** The codes whose `data` has a schema in `ErrorDetails`. */
export type DetailedErrorCode = keyof typeof ErrorDetails;
/** The codes that carry no `data`. */
export type PlainErrorCode = Exclude<ErrorCode, DetailedErrorCode>;
/** The `data` of an error with this code (undefined for a code that carries none). */
export type ErrorDetails<C extends ErrorCode> = C extends DetailedErrorCode ? z.output<(typeof ErrorDetails)[C]> : undefined;

/** An error's `data` as its code's schema says, or undefined when it has none or it does not match. */
export function errorDetails<C extends ErrorCode>(code: C, data: unknown): ErrorDetails<C> | undefined {
  if (!hasDetails(code)) return undefined;
  const parsed = ErrorDetails[code].safeParse(data);
  // TypeScript cannot follow the narrowing of `code` back to `C`; the schema is the one for `C`.
  return parsed.success ? (parsed.data as ErrorDetails<C>) : undefined;
}

export function hasDetails(code: ErrorCode): code is DetailedErrorCode {
  return Object.hasOwn(ErrorDetails, code);
}

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  data: z.optional(z.record(z.string(), z.unknown())),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The one error shape of every HTTP response and socket error. */
export const ErrorEnvelope = z.object({ error: ErrorBody });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** Codes that refuse only the access token (HTTP or socket handshake): a fresh one will do. */
const staleAccessCodes: ReadonlySet<string> = new Set<ErrorCode>(["AUTH_TOKEN_EXPIRED", "AUTH_TOKEN_INVALID"]);
/** Codes after which the sign-in session is over for good: only signing in again helps. */
const sessionEndingCodes = [
  "AUTH_REFRESH_INVALID",
  "AUTH_REFRESH_EXPIRED",
  "AUTH_REFRESH_REUSED",
  "AUTH_SESSION_REVOKED",
] as const satisfies readonly ErrorCode[];
export type SessionEndingCode = (typeof sessionEndingCodes)[number];
const sessionEnding: ReadonlySet<string> = new Set(sessionEndingCodes);

/** Codes that mean "not now": the same request goes again after `retryAfterMs`, it is not an answer. */
const retryableCodes = ["RATE_LIMITED", "UNAVAILABLE"] as const satisfies readonly DetailedErrorCode[];
type RetryableCode = (typeof retryableCodes)[number];
const retryable: ReadonlySet<string> = new Set(retryableCodes);

function isRetryable(code: string): code is RetryableCode {
  return retryable.has(code);
}

/** How long to wait before sending the same request again, when the refusal is a "not now"; undefined when it is an answer. */
export function retryAfterMs(error: { code: string; data?: unknown }, fallbackMs = 1_000): number | undefined {
  if (!isRetryable(error.code)) return undefined;
  return errorDetails(error.code, error.data)?.retryAfterMs ?? fallbackMs;
}

/** Whether a refusal is only about the access token: refresh it once and try again. */
export function refusesOnlyAccess(code: string): boolean {
  return staleAccessCodes.has(code);
}

/** Whether a refusal ends the sign-in session: the client forgets its tokens and shows sign-in. */
export function endsSession(code: string): code is SessionEndingCode {
  return sessionEnding.has(code);
}
