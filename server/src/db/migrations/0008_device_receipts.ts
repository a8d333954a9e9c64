import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * Per-device receipts: one row each time a device's (sign-in session's) own watermarks in a chat
 * move up, holding both after the move. Rows grow with watermark advances, not with messages ×
 * devices: "when did device D get message S" is D's first row at or past S. `session_id` has no
 * foreign key: the row outlives a session that is logged out or removed (shown as such).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("device_receipts")
    .addColumn("chat_id", "text", (c) => c.notNull().references("chats.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("delivered_seq", "integer", (c) => c.notNull())
    .addColumn("seen_seq", "integer", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    // Also the index for "this device's latest row in this chat".
    .addPrimaryKeyConstraint("device_receipts_pkey", ["chat_id", "session_id", "delivered_seq", "seen_seq"])
    .addCheckConstraint("device_receipts_seen_delivered", sql`seen_seq <= delivered_seq`)
    .execute();
  // "The reader's devices that reached seq S": one range of this index.
  await db.schema.createIndex("device_receipts_reader").on("device_receipts").columns(["chat_id", "user_id", "delivered_seq"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("device_receipts").execute();
}
