import { CreateSessionResponse, ErrorEnvelope } from "@easyqr/protocol";
import type { CreateSessionRequest, ErrorCode } from "@easyqr/protocol";
import type { z } from "zod";

/** Failures that happen on this side: the server could not be reached, or its answer made no sense. */
export type ClientErrorCode = "NETWORK" | "BAD_RESPONSE";

/** A failed call: a server error code (with its `data`), or a client-side failure to reach or understand the server. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly status = 0,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export type CallOptions = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** JSON-encoded, or sent as is when it is FormData (multipart uploads). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

export const defaultFetch: Fetch = (input, init) => fetch(input, init);

/**
 * One HTTP call: returns the JSON body (undefined for an empty 2xx) or throws an ApiError
 * with the server's error code. An aborted call rethrows the AbortError.
 */
export async function call(fetchImpl: Fetch, url: string, options: CallOptions): Promise<unknown> {
  const headers: Record<string, string> = { ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetchImpl(url, { method: options.method, headers, body, signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError("NETWORK", "Cannot reach the EasyQR server. Is it running?");
  }
  const text = await response.text().catch(() => "");
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const envelope = ErrorEnvelope.safeParse(json);
    if (!envelope.success) throw new ApiError("BAD_RESPONSE", `The server answered ${response.status}.`, response.status);
    const { code, message, data } = envelope.data.error;
    const retryAfter = Number(response.headers.get("retry-after"));
    const withRetry = code === "RATE_LIMITED" && data?.retryAfterMs === undefined && retryAfter > 0 ? { ...data, retryAfterMs: retryAfter * 1000 } : data;
    throw new ApiError(code, message, response.status, withRetry);
  }
  return json;
}

/** Parses a response with its protocol schema: a type on network data is not validation. */
export function parseResponse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError("BAD_RESPONSE", `The server sent ${what} this page does not understand.`);
  return parsed.data;
}

export type HttpClient = {
  createSession(body?: Partial<CreateSessionRequest>): Promise<CreateSessionResponse>;
};

/** The pairing calls (no sign-in needed). Every response is parsed with the protocol schemas. */
export function httpClient(base = "", fetchImpl: Fetch = defaultFetch): HttpClient {
  return {
    async createSession(body = {}) {
      const json = await call(fetchImpl, `${base}/create-session`, { method: "POST", body });
      return parseResponse(CreateSessionResponse, json, "a session");
    },
  };
}
