import { sql } from "kysely";
import type { Database } from "../db/database.ts";

/** A message that matched, with its place in the result order (`cursor`: the next page starts after it). */
export type MatchRow = { cursor: string; id: string; chatId: string; seq: number; senderId: string; createdAt: number; text: string };

export type MatchQuery = { userId: string; terms: readonly string[]; before: string | undefined; limit: number };

/**
 * Live messages of `userId`'s chats whose text has every term (a term of two or more characters
 * also as the start of a word), newest first. Terms are letters, digits and marks only
 * (`searchTerms`), and each is still quoted, so nothing in them is query syntax.
 */
export function findMatches(database: Database, query: MatchQuery): Promise<MatchRow[]> {
  return database.engine === "postgres" ? postgresMatches(database, query) : sqliteMatches(database, query);
}

/** In a group, only what was sent during one of the searcher's stays (ADR 0008); every message of a 1-1 chat. */
const visibleTo = (userId: string) => sql`not exists (select 1 from chats vc where vc.id = m.chat_id and vc.kind = 'group' and not exists (
  select 1 from chat_memberships s where s.chat_id = m.chat_id and s.user_id = ${userId} and s.from_seq < m.seq and (s.to_seq is null or m.seq <= s.to_seq)))`;

/** A one-character prefix would expand to a large part of the vocabulary: it is matched as a whole word. */
const isPrefix = (term: string) => [...term].length >= 2;

/** FTS5: `"term"*` phrases, ANDed. Rows come from the index in rowid order (insertion order), newest first, so a page stops early. */
async function sqliteMatches(database: Database, { userId, terms, before, limit }: MatchQuery): Promise<MatchRow[]> {
  const match = terms.map((t) => `"${t.replaceAll('"', '""')}"${isPrefix(t) ? "*" : ""}`).join(" ");
  const beforeRowid = before === undefined ? Number.MAX_SAFE_INTEGER : Number(before);
  if (!Number.isSafeInteger(beforeRowid)) return [];
  const { rows } = await sql<MatchRow>`
    select cast(f.rowid as text) as "cursor", m.id, m.chat_id as "chatId", m.seq, m.sender_id as "senderId", m.created_at as "createdAt", m.text
    from messages_fts f join messages m on m.rowid = f.rowid
    where messages_fts match ${match} and f.rowid < ${beforeRowid} and m.deleted_at is null
      and m.chat_id in (select chat_id from chat_members where user_id = ${userId})
      and not exists (select 1 from hidden_messages h where h.user_id = ${userId} and h.message_id = m.id)
      and ${visibleTo(userId)}
    order by f.rowid desc limit ${limit}`.execute(database.db);
  return rows;
}

/**
 * tsquery `'term':*`, ANDed, over the GIN index of migration 0009 (the same expression and
 * condition, or the index is not used). Newest first is by time, then chat and seq: message ids
 * are time-ordered only to the millisecond, and a batch writes many messages in one.
 */
async function postgresMatches(database: Database, { userId, terms, before, limit }: MatchQuery): Promise<MatchRow[]> {
  const query = terms.map((t) => `'${t.replaceAll("'", "''").replaceAll("\\", "\\\\")}'${isPrefix(t) ? ":*" : ""}`).join(" & ");
  const after = before === undefined ? sql`true` : sql`(m.created_at, m.chat_id, m.seq) < (select created_at, chat_id, seq from messages where id = ${before})`;
  const { rows } = await sql<MatchRow>`
    select m.id as "cursor", m.id, m.chat_id as "chatId", m.seq, m.sender_id as "senderId", m.created_at as "createdAt", m.text
    from messages m
    where to_tsvector('simple', m.text) @@ to_tsquery('simple', ${query}) and m.deleted_at is null
      and m.chat_id in (select chat_id from chat_members where user_id = ${userId}) and ${after}
      and not exists (select 1 from hidden_messages h where h.user_id = ${userId} and h.message_id = m.id)
      and ${visibleTo(userId)}
    order by m.created_at desc, m.chat_id desc, m.seq desc limit ${limit}`.execute(database.db);
  return rows;
}
