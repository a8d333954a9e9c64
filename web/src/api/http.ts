import { ErrorEnvelope, errorDetails } from "@easyqr/protocol";
import type { DetailedErrorCode, ErrorCode, ErrorDetails } from "@easyqr/protocol";
import type * as z from "zod/mini";

/** Failures that happen on this side: the server could not be reached, or its answer made no sense. */
export type ClientErrorCode = "NETWORK" | "BAD_RESPONSE";

/** A failed call: a server error code (with its `data`), or a client-side failure to reach or understand the server. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly status = 0,
    /** The envelope's `data` as it came; read it through `details`. */
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** This error's details when its code is `code`, checked against the protocol's schema for that code. */
  details<C extends DetailedErrorCode>(code: C): ErrorDetails<C> | undefined {
    return this.code === code ? errorDetails(code, this.data) : undefined;
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export const defaultFetch: Fetch = (input, init) => fetch(input, init);

/** A body's JSON, or undefined when it is empty or not JSON. */
export function jsonOf(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ApiError a refused answer stands for: the code of its error envelope (BAD_RESPONSE when it has
 * none). A `Retry-After` header fills in a RATE_LIMITED or UNAVAILABLE error's missing `retryAfterMs`.
 */
export function errorOf(status: number, text: string, retryAfter: string | null): ApiError {
  const envelope = ErrorEnvelope.safeParse(jsonOf(text));
  if (!envelope.success) return new ApiError("BAD_RESPONSE", `The server answered ${status}.`, status);
  const { code, message, data } = envelope.data.error;
  const seconds = Number(retryAfter);
  const retryable = code === "RATE_LIMITED" || code === "UNAVAILABLE";
  const withRetry = retryable && data?.retryAfterMs === undefined && seconds > 0 ? { ...data, retryAfterMs: seconds * 1000 } : data;
  return new ApiError(code, message, status, withRetry);
}

/** Parses a response with its protocol schema: a type on network data is not validation. */
export function parseResponse<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError("BAD_RESPONSE", `The server sent ${what} this page does not understand.`);
  return parsed.data;
}
