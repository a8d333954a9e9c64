import { routes, type SearchPage } from "@easyqr/protocol";
import type { ApiClient } from "./client.ts";

export type SearchApi = {
  /** Messages of one's chats with every word of `q`, newest first; pass `next` as `before` for the next page. */
  messages(q: string, before: string | undefined, signal: AbortSignal): Promise<SearchPage>;
};

/** The search route (`routes.search`; docs/search.md). */
export function searchApi(session: { readonly api: ApiClient }): SearchApi {
  const { api } = session;
  return {
    messages: (q, before, signal) => api.call(routes.search.messages, { query: { q, before }, signal }),
  };
}
