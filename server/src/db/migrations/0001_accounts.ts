import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text")
    .addColumn("phone", "text")
    .addColumn("username", "text")
    .addColumn("username_key", "text")
    .addColumn("name", "text")
    .addColumn("bio", "text")
    .addColumn("avatar_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("users_email_unique", ["email"])
    .addUniqueConstraint("users_phone_unique", ["phone"])
    .addUniqueConstraint("users_username_key_unique", ["username_key"])
    .addCheckConstraint("users_email_lower", sql`email = lower(email)`)
    .addCheckConstraint("users_username_key_lower", sql`username_key = lower(username)`)
    .execute();

  await db.schema
    .createTable("otp_challenges")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("identifier", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("sends", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("consumed_at", "bigint")
    .execute();
  await db.schema.createIndex("otp_challenges_identifier").on("otp_challenges").columns(["identifier", "purpose", "expires_at"]).execute();
  await db.schema.createIndex("otp_challenges_expires").on("otp_challenges").column("expires_at").execute();

  await db.schema
    .createTable("auth_sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .addColumn("revoked_reason", "text")
    .addColumn("device_name", "text")
    .addColumn("device_platform", "text")
    .execute();
  await db.schema.createIndex("auth_sessions_user").on("auth_sessions").column("user_id").execute();

  await db.schema
    .createTable("refresh_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull().references("auth_sessions.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .execute();
  await db.schema.createIndex("refresh_tokens_session").on("refresh_tokens").column("session_id").execute();

  await db.schema
    .createTable("rate_keys")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("touched_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("rate_events")
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("rate_events_key_at").on("rate_events").columns(["key", "at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["rate_events", "rate_keys", "refresh_tokens", "auth_sessions", "otp_challenges", "users"]) {
    await db.schema.dropTable(table).execute();
  }
}
