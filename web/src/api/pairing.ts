import { routes, type CreateSessionRequest, type CreateSessionResponse } from "@easyqr/protocol";
import { apiClient } from "./client.ts";
import type { Fetch } from "./http.ts";

export type HttpClient = {
  createSession(body?: Partial<CreateSessionRequest>): Promise<CreateSessionResponse>;
};

/** The pairing calls (no sign-in needed). */
export function httpClient(base = "", fetchImpl?: Fetch): HttpClient {
  const api = apiClient({ base, fetch: fetchImpl });
  return {
    createSession: (body = {}) => api.call(routes.pairing.createSession, { body }),
  };
}
