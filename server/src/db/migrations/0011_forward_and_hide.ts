import type { Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * Message actions: forwarding and "delete for me".
 * - `messages.forwarded` (0/1): the message is a copy of another one (shown "Forwarded").
 * - `hidden_messages`: one row per message a person deleted for themselves; `n` counts the
 *   member's hides in the chat 1, 2, 3 …, and `chat_members.hidden` is the last `n`: a device's
 *   SYNC names the count it knows and gets the ids hidden after it.
 * - `attachments_storage_key`: forwarded attachments are rows of the target chat pointing at the
 *   same stored files; a file is deleted only once no row names its key, and this index answers that.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("messages")
    .addColumn("forwarded", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("chat_members")
    .addColumn("hidden", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("hidden_messages")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("message_id", "text", (c) => c.notNull().references("messages.id").onDelete("cascade"))
    .addColumn("chat_id", "text", (c) => c.notNull().references("chats.id").onDelete("cascade"))
    .addColumn("n", "integer", (c) => c.notNull())
    .addColumn("hidden_at", "bigint", (c) => c.notNull())
    // Also the index for "is this message hidden for this user" in history and SYNC.
    .addPrimaryKeyConstraint("hidden_messages_pkey", ["user_id", "message_id"])
    .execute();
  // "This member's hides after n": one range.
  await db.schema.createIndex("hidden_messages_member").on("hidden_messages").columns(["chat_id", "user_id", "n"]).execute();
  await db.schema.createIndex("attachments_storage_key").on("attachments").column("storage_key").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("attachments_storage_key").execute();
  await db.schema.dropTable("hidden_messages").execute();
  await db.schema.alterTable("chat_members").dropColumn("hidden").execute();
  await db.schema.alterTable("messages").dropColumn("forwarded").execute();
}
