import { sql } from "kysely";
import type { Database } from "../db/database.ts";

/** A message that matched, with its place in the result order (`cursor`: the next page starts after it). */
export type MatchRow = { cursor: string; id: string; chatId: string; seq: number; senderId: string; createdAt: number; text: string };

export type MatchQuery = { userId: string; terms: readonly string[]; before: string | undefined; limit: number };

/**
 * Live messages of `userId`'s chats whose text has every term (a term of two or more characters
 * also as the start of a word), newest first. The person's chats are part of the index query
 * (migration 0015), so a common word costs what their own chats hold of it, not what everyone's
 * do. Terms are letters, digits and marks only (`searchTerms`), and each is still quoted, so
 * nothing in them is query syntax; the membership and hidden-message conditions are checked on
 * every row as well, so the index only narrows and never decides who sees what.
 */
export async function findMatches(database: Database, query: MatchQuery): Promise<MatchRow[]> {
  // New messages are indexed a moment after their commit: what is committed is searched. The
  // catch-up (a round trip on PostgreSQL, on the indexer's connection) overlaps the chats' read.
  const [chats] = await Promise.all([
    database.db.selectFrom("chatMembers").select("chatId").where("userId", "=", query.userId).execute(),
    database.raw.search.catchUp(),
  ]);
  if (chats.length === 0) return [];
  const chatIds = chats.map((c) => c.chatId);
  return database.engine === "postgres" ? postgresMatches(database, query, chatIds) : sqliteMatches(database, query, chatIds);
}

/** In a group, only what was sent during one of the searcher's stays (ADR 0008); every message of a 1-1 chat. */
const visibleTo = (userId: string) => sql`not exists (select 1 from chats vc where vc.id = m.chat_id and vc.kind = 'group' and not exists (
  select 1 from chat_memberships s where s.chat_id = m.chat_id and s.user_id = ${userId} and s.from_seq < m.seq and (s.to_seq is null or m.seq <= s.to_seq)))`;

/** A one-character prefix would expand to a large part of the vocabulary: it is matched as a whole word. */
const isPrefix = (term: string) => [...term].length >= 2;

/**
 * FTS5: `chat : ("c1" OR "c2" …) AND text : ("term"* "term"*)`, a chat being its id without dashes
 * (one token, as migration 0015 writes it). Rows come from the index in rowid order (insertion
 * order), newest first, so a page stops early.
 */
async function sqliteMatches(database: Database, { userId, terms, before, limit }: MatchQuery, chatIds: string[]): Promise<MatchRow[]> {
  const words = terms.map((t) => `"${t.replaceAll('"', '""')}"${isPrefix(t) ? "*" : ""}`).join(" ");
  const match = `chat : (${chatIds.map((id) => `"${id.replaceAll("-", "").replaceAll('"', '""')}"`).join(" OR ")}) AND text : (${words})`;
  const beforeRowid = before === undefined ? Number.MAX_SAFE_INTEGER : Number(before);
  if (!Number.isSafeInteger(beforeRowid)) return [];
  const { rows } = await sql<MatchRow>`
    select cast(f.rowid as text) as "cursor", m.id, m.chat_id as "chatId", m.seq, m.sender_id as "senderId", m.created_at as "createdAt", m.text
    from messages_chat_search f join messages m on m.rowid = f.rowid
    where messages_chat_search match ${match} and f.rowid < ${beforeRowid} and m.deleted_at is null
      and m.chat_id in (select chat_id from chat_members where user_id = ${userId})
      and not exists (select 1 from hidden_messages h where h.user_id = ${userId} and h.message_id = m.id)
      and ${visibleTo(userId)}
    order by f.rowid desc limit ${limit}`.execute(database.db);
  return rows;
}

/** A tsquery lexeme, quoted: `'it''s'`, backslashes doubled. */
const lexeme = (text: string) => `'${text.replaceAll("'", "''").replaceAll("\\", "\\\\")}'`;

/**
 * `('#c1' | '#c2' …) & 'term':* & …` over `message_search.doc` and its GIN index (migration 0021;
 * the document is 0015's: the text's words and the chat's lexeme). A row there may lag its message
 * by a run (a delete not yet taken): the message's own conditions below decide. The chats are cast to a tsquery as they are (no
 * parser may split an id); the terms go through `to_tsquery('simple')` to be lower-cased like the
 * text. Newest first is by time, then chat and seq: message ids are time-ordered only to the
 * millisecond, and a batch writes many messages in one.
 */
async function postgresMatches(database: Database, { userId, terms, before, limit }: MatchQuery, chatIds: string[]): Promise<MatchRow[]> {
  const chats = `(${chatIds.map((id) => lexeme(`#${id}`)).join(" | ")})`;
  const words = terms.map((t) => `${lexeme(t)}${isPrefix(t) ? ":*" : ""}`).join(" & ");
  const after = before === undefined ? sql`true` : sql`(m.created_at, m.chat_id, m.seq) < (select created_at, chat_id, seq from messages where id = ${before})`;
  const { rows } = await sql<MatchRow>`
    select m.id as "cursor", m.id, m.chat_id as "chatId", m.seq, m.sender_id as "senderId", m.created_at as "createdAt", m.text
    from message_search s join messages m on m.id = s.message_id
    where s.doc @@ (${chats}::tsquery && to_tsquery('simple', ${words}))
      and m.deleted_at is null and m.chat_id = any(array(select chat_id from chat_members where user_id = ${userId})) and ${after}
      and not exists (select 1 from hidden_messages h where h.user_id = ${userId} and h.message_id = m.id)
      and ${visibleTo(userId)}
    order by m.created_at desc, m.chat_id desc, m.seq desc limit ${limit}`.execute(database.db);
  return rows;
}
