import { SearchPage, SearchQuery } from "../search.ts";
import { authErrors } from "./common.ts";
import type { RouteGroup } from "./route.ts";

const tag = "search";

/** Full-text search of the caller's messages (docs/search.md). */
export const searchRoutes = {
  messages: {
    method: "GET",
    path: "/api/search/messages",
    tag,
    summary:
      "Messages of your chats whose text has every word of `q` (a word or the start of one), newest first; deleted messages never; page with `before=<next>`. A search with no word (letters or digits), over 200 characters or over 8 words: VALIDATION",
    auth: true,
    query: SearchQuery,
    response: SearchPage,
    errors: [...authErrors],
  },
} as const satisfies RouteGroup;
