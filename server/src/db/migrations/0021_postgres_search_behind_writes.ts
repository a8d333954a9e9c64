import { sql, type Kysely } from "kysely";
import * as m0015 from "./0015_search_by_chat.ts";
import * as m0018 from "./0018_search_behind_writes.ts";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * PostgreSQL: a message enters the search index shortly after its commit, many at a time
 * (db/searchIndexPostgres.ts), as SQLite's does since 0018. 0015's GIN index on `messages` took
 * every insert's entries inside the send's commit: ~28 µs of the backends' ~76 µs a message with
 * chat-load's text, and its pending list's merge stalled a batch now and then.
 *
 * `message_search (message_id, doc)` carries the GIN index now: `doc` is the text's tsvector and
 * the chat's lexeme `#<chat id>`, as 0015 indexed it, so the search query is the same over another
 * table. `message_search_queue` holds the ids still to (re)index: a statement-level trigger on
 * insert appends a batch's ids in one statement (no index on the queue, so an id costs one small
 * heap row), an edit or a delete for everyone appends its id, and so does a message deleted
 * outright (an account or a chat removed): the indexer takes its row out. The queue is a
 * logged table written in the send's own transaction: an acked message stays queued through a
 * crash (an unlogged queue would be emptied by crash recovery) and is indexed after the restart.
 *
 * SQLite: unchanged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!db.getExecutor().adapter.supportsTransactionalDdl) return;
  await buildTables(db);
  await m0015.dropIndex(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!db.getExecutor().adapter.supportsTransactionalDdl) return;
  await dropTables(db);
  await m0015.buildIndex(db);
}

/** What the index holds of a message: its words and its chat's lexeme (0015's expression). */
const doc = (row: string) => `to_tsvector('simple', ${row}.text) || array_to_tsvector(array['#' || ${row}.chat_id])`;

async function buildTables(db: Kysely<any>): Promise<void> {
  // The queue's rows are deleted as fast as they come: vacuumed often so a scan for the next run
  // does not walk a minute's worth of dead rows (the indexer vacuums it too, see there). Never
  // truncated by a vacuum: that takes an exclusive lock, and every send's trigger writes here.
  await sql`create table message_search_queue (message_id text not null)
    with (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, vacuum_truncate = false)`.execute(db);
  await sql`create table message_search (message_id text primary key, doc tsvector not null)`.execute(db);
  await sql.raw(`insert into message_search (message_id, doc) select m.id, ${doc("m")} from messages m where ${m0015.indexed("m")}`).execute(db);
  await sql`create index message_search_doc on message_search using gin (doc)`.execute(db);
  await sql
    .raw(
      `create function message_search_queue_inserted() returns trigger language plpgsql as $$
       begin
         insert into message_search_queue (message_id) select n.id from inserted n where ${m0015.indexed("n")};
         return null;
       end $$`,
    )
    .execute(db);
  await sql`create trigger message_search_insert after insert on messages referencing new table as inserted
    for each statement execute function message_search_queue_inserted()`.execute(db);
  // A row trigger: a statement trigger may not name columns and see the rows, and reactions and
  // receipts rewrite messages without touching their text.
  await sql`create function message_search_queue_changed() returns trigger language plpgsql as $$
      begin
        insert into message_search_queue (message_id) values (old.id);
        return null;
      end $$`.execute(db);
  await sql`create trigger message_search_update after update of text, deleted_at on messages for each row
    when (old.text is distinct from new.text or old.deleted_at is distinct from new.deleted_at) execute function message_search_queue_changed()`.execute(db);
  // Only rows that may have a search row: one deleted for everyone before queued its id then.
  await sql
    .raw(
      `create function message_search_queue_deleted() returns trigger language plpgsql as $$
       begin
         insert into message_search_queue (message_id) select d.id from deleted d where ${m0015.indexed("d")};
         return null;
       end $$`,
    )
    .execute(db);
  await sql`create trigger message_search_delete after delete on messages referencing old table as deleted
    for each statement execute function message_search_queue_deleted()`.execute(db);
}

async function dropTables(db: Kysely<any>): Promise<void> {
  for (const trigger of ["insert", "update", "delete"]) await sql.raw(`drop trigger message_search_${trigger} on messages`).execute(db);
  for (const fn of ["inserted", "changed", "deleted"]) await sql.raw(`drop function message_search_queue_${fn}()`).execute(db);
  await sql`drop table message_search`.execute(db);
  await sql`drop table message_search_queue`.execute(db);
}

/** The whole index over the messages there are, kept as this migration keeps it. For the bench's bulk seed. */
export async function buildIndex(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) await buildTables(db);
  else await m0018.buildIndex(db);
}

export async function dropIndex(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) await dropTables(db);
  else await m0018.dropIndex(db);
}
