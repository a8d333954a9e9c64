import { CreateSessionResponse, ErrorEnvelope } from "@easyqr/protocol";
import type { CreateSessionRequest, ErrorCode } from "@easyqr/protocol";

/** A failed call: a server error code, or a client-side failure to reach or understand the server. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | "NETWORK" | "BAD_RESPONSE",
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export type HttpClient = {
  createSession(body?: Partial<CreateSessionRequest>): Promise<CreateSessionResponse>;
};

/** The typed HTTP client: every response is parsed with the protocol schemas. */
export function httpClient(base = "", fetchImpl: Fetch = (input, init) => fetch(input, init)): HttpClient {
  async function post(path: string, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch {
      throw new ApiError("NETWORK", "Cannot reach the EasyQR server. Is it running?");
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const envelope = ErrorEnvelope.safeParse(json);
      if (envelope.success) throw new ApiError(envelope.data.error.code, envelope.data.error.message, response.status);
      throw new ApiError("BAD_RESPONSE", `The server answered ${response.status}.`, response.status);
    }
    return json;
  }

  return {
    async createSession(body = {}) {
      const parsed = CreateSessionResponse.safeParse(await post("/create-session", body));
      if (!parsed.success) throw new ApiError("BAD_RESPONSE", "The server sent a session this page does not understand.");
      return parsed.data;
    },
  };
}
