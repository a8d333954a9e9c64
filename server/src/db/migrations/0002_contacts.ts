import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/** Contacts by QR (tokens, requests, connections, blocks) and presence (last seen, its privacy setting). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").addColumn("last_seen_at", "bigint").execute();
  await db.schema.alterTable("users").addColumn("last_seen_hidden_at", "bigint").execute();

  await db.schema
    .createTable("contact_qr_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("rotated_at", "bigint")
    .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_uses", "integer", (c) => c.notNull())
    .addCheckConstraint("contact_qr_tokens_uses", sql`uses >= 0 and uses <= max_uses`)
    .execute();
  await db.schema.createIndex("contact_qr_tokens_user").on("contact_qr_tokens").column("user_id").execute();
  await db.schema.createIndex("contact_qr_tokens_expires").on("contact_qr_tokens").column("expires_at").execute();

  // One pending request per pair of users, whichever way it goes: (user_low, user_high) is the pair in a fixed order.
  await db.schema
    .createTable("contact_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("from_user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("to_user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("user_low", "text", (c) => c.notNull())
    .addColumn("user_high", "text", (c) => c.notNull())
    .addColumn("via", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("hidden_at", "bigint")
    .addUniqueConstraint("contact_requests_pair_unique", ["user_low", "user_high"])
    .addCheckConstraint("contact_requests_not_self", sql`from_user_id <> to_user_id`)
    .addCheckConstraint(
      "contact_requests_pair_matches",
      sql`(user_low = from_user_id and user_high = to_user_id) or (user_low = to_user_id and user_high = from_user_id)`,
    )
    .addCheckConstraint("contact_requests_via", sql`via in ('qr', 'username')`)
    .execute();
  await db.schema.createIndex("contact_requests_to").on("contact_requests").column("to_user_id").execute();
  await db.schema.createIndex("contact_requests_from").on("contact_requests").column("from_user_id").execute();
  await db.schema.createIndex("contact_requests_expires").on("contact_requests").column("expires_at").execute();

  // A connection is one row per pair, in the same fixed order: two can never exist for one pair.
  await db.schema
    .createTable("connections")
    .addColumn("user_low", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("user_high", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("connections_pkey", ["user_low", "user_high"])
    .addCheckConstraint("connections_not_self", sql`user_low <> user_high`)
    .execute();
  await db.schema.createIndex("connections_high").on("connections").column("user_high").execute();

  await db.schema
    .createTable("blocks")
    .addColumn("blocker_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("blocked_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("blocks_pkey", ["blocker_id", "blocked_id"])
    .addCheckConstraint("blocks_not_self", sql`blocker_id <> blocked_id`)
    .execute();
  await db.schema.createIndex("blocks_blocked").on("blocks").column("blocked_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["blocks", "connections", "contact_requests", "contact_qr_tokens"]) await db.schema.dropTable(table).execute();
  await db.schema.alterTable("users").dropColumn("last_seen_hidden_at").execute();
  await db.schema.alterTable("users").dropColumn("last_seen_at").execute();
}
