import type { Routes } from "@easyqr/protocol";
import type { SearchService } from "../search/service.ts";
import type { Handlers } from "./route.ts";

/** Message search (docs/search.md). */
export function searchHandlers(search: SearchService): Handlers<Routes["search"]> {
  return {
    messages: ({ principal, query }) => search.messages(principal.userId, query),
  };
}
