import { searchTerms, type SearchPage, type SearchQuery } from "@easyqr/protocol";
import type { z } from "zod";
import type { Database } from "../db/database.ts";
import { findMatches } from "./queries.ts";
import { snippetOf } from "./snippet.ts";

/**
 * Message search: reads only. What a search finds is what is committed: both engines index new
 * messages a moment after their commit (SQLite: migration 0018; PostgreSQL: 0021), and a search
 * first indexes those still waiting. Only chats the caller is a
 * member of are searched (the chat rule: members read a chat, even after the connection ended).
 */
export class SearchService {
  constructor(private readonly database: Database) {}

  async messages(userId: string, query: z.output<typeof SearchQuery>): Promise<SearchPage> {
    const terms = searchTerms(query.q);
    const rows = await findMatches(this.database, { userId, terms, before: query.before, limit: query.limit + 1 });
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    return {
      hits: page.map((row) => ({
        chatId: row.chatId,
        messageId: row.id,
        seq: Number(row.seq),
        senderId: row.senderId,
        createdAt: Number(row.createdAt),
        snippet: snippetOf(row.text, terms),
      })),
      next: more ? (page.at(-1)?.cursor ?? null) : null,
    };
  }
}
