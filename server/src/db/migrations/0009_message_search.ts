import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * Full-text search of message text (docs/search.md). Only live messages with text are indexed: a
 * message deleted for everyone leaves the index in the statement that deletes it.
 *
 * SQLite: an FTS5 table over `messages` (external content: the text is not stored twice) keyed by
 * the messages' rowid, kept in step by triggers, so a send, an edit and a delete change the index
 * in their own transaction. unicode61 folds case and diacritics ("Café" is found by "cafe").
 * The rowid of `messages` is implicit, and VACUUM may renumber it: after a VACUUM, run
 * `insert into messages_fts(messages_fts) values ('rebuild')` (the server never vacuums).
 *
 * PostgreSQL: a GIN index on `to_tsvector('simple', text)` of live messages; the index is updated
 * with the row, in the same transaction. 'simple' only lower-cases: no stemming and no stop words,
 * so it treats every language alike (an 'english' config would stem Spanish words as English and
 * drop "the", "a", … from every language), and a word is found as it was written or by its start.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) {
    await sql`create index messages_search on messages using gin (to_tsvector('simple', text)) where deleted_at is null`.execute(db);
    return;
  }
  await sql`create virtual table messages_fts using fts5(text, content = 'messages', tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
  // Indexed: a live message with text. An external-content index forgets a row only when told its old text.
  const indexed = (row: string) => `${row}.deleted_at is null and ${row}.text is not null and ${row}.text <> ''`;
  await sql
    .raw(
      `create trigger messages_fts_insert after insert on messages when ${indexed("new")} begin
         insert into messages_fts (rowid, text) values (new.rowid, new.text);
       end`,
    )
    .execute(db);
  // Reactions and receipts rewrite the row with the same text: only a change of text or of deleted_at touches the index.
  await sql
    .raw(
      `create trigger messages_fts_update after update of text, deleted_at on messages
       when old.text is not new.text or old.deleted_at is not new.deleted_at begin
         insert into messages_fts (messages_fts, rowid, text) select 'delete', old.rowid, old.text where ${indexed("old")};
         insert into messages_fts (rowid, text) select new.rowid, new.text where ${indexed("new")};
       end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger messages_fts_delete after delete on messages when ${indexed("old")} begin
         insert into messages_fts (messages_fts, rowid, text) values ('delete', old.rowid, old.text);
       end`,
    )
    .execute(db);
  await sql.raw(`insert into messages_fts (rowid, text) select rowid, text from messages where ${indexed("messages")}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) {
    await sql`drop index messages_search`.execute(db);
    return;
  }
  for (const trigger of ["messages_fts_insert", "messages_fts_update", "messages_fts_delete"]) await sql.raw(`drop trigger ${trigger}`).execute(db);
  await sql`drop table messages_fts`.execute(db);
}
