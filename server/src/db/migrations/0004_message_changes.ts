import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * SYNC finds a chat's changes since a rev in two ranges: new messages are the chat's newest seqs
 * (the unique (chat_id, seq) index), and older messages changed since (edited, deleted, reacted to)
 * are in a small partial index of changed messages only. A new message then writes one index page
 * fewer than with an index on every message's rev (the send path's cost is index pages per commit).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("messages").addColumn("changed_at", "bigint").execute();
  // Whether an existing message ever changed is not recorded (a removed reaction leaves no trace),
  // so all of them count as changed: their SYNC answers stay exactly what they were.
  await sql`update messages set changed_at = coalesce(deleted_at, edited_at, created_at)`.execute(db);
  await db.schema.dropIndex("messages_chat_rev").execute();
  await sql`create index messages_chat_changes on messages (chat_id, rev) where changed_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("messages_chat_changes").execute();
  await db.schema.createIndex("messages_chat_rev").on("messages").columns(["chat_id", "rev"]).execute();
  await db.schema.alterTable("messages").dropColumn("changed_at").execute();
}
