import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * A member's own chat settings beside pin, archive and mute (0003): "mark as unread", and
 * `settings_rev`, which counts their changes so that SYNC can tell a device that missed one
 * (settings move no chat rev). The partial index finds a person's pinned chats (at most a few) for
 * the pin limit and the chat list's first page.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("chat_members")
    .addColumn("marked_unread", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("chat_members")
    .addColumn("settings_rev", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`create index chat_members_pinned on chat_members (user_id, pinned_at) where pinned_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("chat_members_pinned").execute();
  await db.schema.alterTable("chat_members").dropColumn("settings_rev").execute();
  await db.schema.alterTable("chat_members").dropColumn("marked_unread").execute();
}
