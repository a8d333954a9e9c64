import { sql, type Kysely } from "kysely";
import * as m0009 from "./0009_message_search.ts";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * Message search with the chat in the index (docs/search.md), replacing 0009's index of text
 * alone. That index was global: a common word matched ~40 % of all messages, and a person whose
 * chats hold 0.1 % of them had ~50,000 candidates checked for membership to fill a page. With the
 * chat as a token beside the words, the index answers "these chats AND these words" itself.
 *
 * SQLite: a contentless FTS5 table (chat, text) keyed by the messages' rowid; `chat` is the chat
 * id without its dashes, so a UUID is one token. Contentless because an external-content table
 * reads its columns from `messages` by name and there is no such column there; the triggers hand
 * it the old values to delete, as 0009's did. `prefix = '2 3'` indexes every word's first two and
 * three characters as terms too: without them a prefix ("the"*) first merges the whole doclist of
 * every word it expands to (the most common word: 400,000 rows, ~35 ms at 1M messages); a prefix
 * term is read like a word, newest first, only as far as the person's chats need. It doubles the
 * index (62 → 139 MB at 1M messages). A VACUUM may renumber the rowids: then empty the index
 * (`insert into messages_chat_search (messages_chat_search) values ('delete-all')`) and fill it
 * again as `buildIndex` does.
 *
 * PostgreSQL: a GIN index over the text's tsvector ('simple', as 0009) and one lexeme
 * `#<chat id>` (the parser never starts a lexeme with `#`, so no word is a chat). A query ORs the
 * person's chat lexemes and ANDs the words; GIN reads the rarer side first, so a common word costs
 * what the person's own chats hold of it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await m0009.down(db);
  await buildIndex(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await dropIndex(db);
  await m0009.up(db);
}

/** The token a chat id is in the SQLite index: a UUID without dashes is one unicode61 token. */
const chatToken = (chatId: string) => `replace(${chatId}, '-', '')`;
/** Indexed: a live message with text. A contentless index forgets a row only when told its old values. */
export const indexed = (row: string) => `${row}.deleted_at is null and ${row}.text is not null and ${row}.text <> ''`;
/** What the SQLite index holds of a row: its rowid, its chat's token, its text. */
export const values = (row: string) => `${row}.rowid, ${chatToken(`${row}.chat_id`)}, ${row}.text`;

/** Creates the index over the messages there are (the backfill) and, on SQLite, the triggers that keep it. Exported for the bench's bulk seed. */
export async function buildIndex(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) {
    await sql`create index messages_chat_search on messages
      using gin ((to_tsvector('simple', text) || array_to_tsvector(array['#' || chat_id]))) where deleted_at is null`.execute(db);
    return;
  }
  await sql`create virtual table messages_chat_search using fts5(chat, text, content = '', prefix = '2 3', tokenize = 'unicode61 remove_diacritics 2')`.execute(
    db,
  );
  await createTriggers(db);
  await sql.raw(`insert into messages_chat_search (rowid, chat, text) select ${values("messages")} from messages where ${indexed("messages")}`).execute(db);
}

export async function dropIndex(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) {
    await sql`drop index messages_chat_search`.execute(db);
    return;
  }
  for (const trigger of ["insert", "update", "delete"]) await sql.raw(`drop trigger messages_chat_search_${trigger}`).execute(db);
  await sql`drop table messages_chat_search`.execute(db);
}

/**
 * The triggers that keep the SQLite index in the transaction of every write. `keptUpTo` (migration
 * 0018): an SQL expression; the triggers then keep only rows at or below that rowid.
 */
export async function createTriggers(db: Kysely<any>, keptUpTo?: string): Promise<void> {
  const kept = (row: string) => (keptUpTo ? ` and ${row}.rowid <= ${keptUpTo}` : "");
  await sql
    .raw(
      `create trigger messages_chat_search_insert after insert on messages when ${indexed("new")}${kept("new")} begin
         insert into messages_chat_search (rowid, chat, text) values (${values("new")});
       end`,
    )
    .execute(db);
  // Reactions and receipts rewrite the row with the same text: only a change of text or of deleted_at touches the index.
  await sql
    .raw(
      `create trigger messages_chat_search_update after update of text, deleted_at, chat_id on messages
       when (old.text is not new.text or old.deleted_at is not new.deleted_at or old.chat_id is not new.chat_id)${kept("old")} begin
         insert into messages_chat_search (messages_chat_search, rowid, chat, text) select 'delete', ${values("old")} where ${indexed("old")};
         insert into messages_chat_search (rowid, chat, text) select ${values("new")} where ${indexed("new")};
       end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger messages_chat_search_delete after delete on messages when ${indexed("old")}${kept("old")} begin
         insert into messages_chat_search (messages_chat_search, rowid, chat, text) values ('delete', ${values("old")});
       end`,
    )
    .execute(db);
}
