import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/** 1-1 chats, their members' receipts and unread counts, messages, attachments and reactions. */
export async function up(db: Kysely<any>): Promise<void> {
  // One chat per pair of users, in the fixed order `connections` uses. `last_seq` numbers messages
  // without gaps; `rev` counts every change (message, edit, delete, reaction) for resync.
  await db.schema
    .createTable("chats")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_low", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("user_high", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_seq", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("rev", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_message_id", "text")
    .addUniqueConstraint("chats_pair_unique", ["user_low", "user_high"])
    .addCheckConstraint("chats_not_self", sql`user_low <> user_high`)
    .execute();
  await db.schema.createIndex("chats_high").on("chats").column("user_high").execute();

  // Per member: receipt watermarks (seen implies delivered), unread count, and the chat's last
  // activity copied here so "my chats, latest first" is one index range.
  await db.schema
    .createTable("chat_members")
    .addColumn("chat_id", "text", (c) => c.notNull().references("chats.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("delivered_seq", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("seen_seq", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("unread", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("activity_at", "bigint", (c) => c.notNull())
    .addColumn("pinned_at", "bigint")
    .addColumn("archived_at", "bigint")
    .addColumn("muted_until", "bigint")
    .addPrimaryKeyConstraint("chat_members_pkey", ["chat_id", "user_id"])
    .addCheckConstraint("chat_members_seen_delivered", sql`seen_seq <= delivered_seq`)
    .addCheckConstraint("chat_members_unread", sql`unread >= 0`)
    .execute();
  await db.schema.createIndex("chat_members_activity").on("chat_members").columns(["user_id", "activity_at"]).execute();

  await db.schema
    .createTable("messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("chat_id", "text", (c) => c.notNull().references("chats.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("rev", "integer", (c) => c.notNull())
    .addColumn("sender_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("text", "text")
    .addColumn("reply_to_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("edited_at", "bigint")
    .addColumn("deleted_at", "bigint")
    .addUniqueConstraint("messages_chat_seq_unique", ["chat_id", "seq"])
    .addUniqueConstraint("messages_sender_client_unique", ["sender_id", "client_id"])
    .execute();
  await db.schema.createIndex("messages_chat_rev").on("messages").columns(["chat_id", "rev"]).execute();

  // Uploaded before the message that carries them (message_id null until then); unsent ones are swept.
  await db.schema
    .createTable("attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("chat_id", "text", (c) => c.notNull().references("chats.id").onDelete("cascade"))
    .addColumn("uploader_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("message_id", "text", (c) => c.references("messages.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("mime", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("thumb_key", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addCheckConstraint("attachments_kind", sql`kind in ('image', 'file')`)
    .execute();
  await db.schema.createIndex("attachments_message").on("attachments").column("message_id").execute();
  await db.schema.createIndex("attachments_unsent").on("attachments").columns(["message_id", "created_at"]).execute();

  // One reaction per user per message; reacting again replaces it.
  await db.schema
    .createTable("reactions")
    .addColumn("message_id", "text", (c) => c.notNull().references("messages.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("emoji", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("reactions_pkey", ["message_id", "user_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["reactions", "attachments", "messages", "chat_members", "chats"]) await db.schema.dropTable(table).execute();
}
