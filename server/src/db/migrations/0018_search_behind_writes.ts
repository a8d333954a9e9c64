import { sql, type Kysely } from "kysely";
import * as m0015 from "./0015_search_by_chat.ts";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * SQLite: a new message enters the search index shortly after its commit, many at a time
 * (db/searchIndex.ts), instead of inside the commit. FTS5 writes a segment at every commit that
 * touched the index, and the chat store commits 20–50 messages at a time: ~35 µs of CPU a message,
 * the largest single cost of a send. Indexed in runs of a few hundred it costs ~8 µs.
 *
 * `message_search_progress.upto`: every message whose rowid is at or below it is in the index (or
 * was taken out of it); those above wait for the indexer, which indexes them with their values at
 * that time. The triggers keep the index for rows at or below the mark only. A row inserted at or
 * below it (SQLite reuses the newest rowid after that message was deleted) is indexed at once.
 *
 * PostgreSQL: unchanged (a GIN index gathers new entries in its own pending list).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) return;
  await sql`create table message_search_progress (upto integer not null)`.execute(db);
  await sql`insert into message_search_progress (upto) select coalesce(max(rowid), 0) from messages`.execute(db);
  await dropTriggers(db);
  await m0015.createTriggers(db, "(select upto from message_search_progress)");
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) return;
  const [progress] = (await sql<{ upto: number }>`select upto from message_search_progress`.execute(db)).rows;
  await sql
    .raw(
      `insert into messages_chat_search (rowid, chat, text) select ${m0015.values("m")} from messages m where m.rowid > ${Number(progress?.upto ?? 0)} and ${m0015.indexed("m")}`,
    )
    .execute(db);
  await sql`drop table message_search_progress`.execute(db);
  await dropTriggers(db);
  await m0015.createTriggers(db);
}

/** The whole index over the messages there are, kept as this migration keeps it. For the bench's bulk seed. */
export async function buildIndex(db: Kysely<any>): Promise<void> {
  await m0015.buildIndex(db);
  await up(db);
}

export async function dropIndex(db: Kysely<any>): Promise<void> {
  if (!db.getExecutor().adapter.supportsTransactionalDdl) await sql`drop table message_search_progress`.execute(db);
  await m0015.dropIndex(db);
}

const dropTriggers = async (db: Kysely<any>) => {
  for (const trigger of ["insert", "update", "delete"]) await sql.raw(`drop trigger messages_chat_search_${trigger}`).execute(db);
};
