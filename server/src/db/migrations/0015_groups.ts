import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * Groups (ADR 0008).
 * - `chats.kind` ('direct' | 'group'); a group's `user_low/user_high` are null (the pair's unique
 *   constraint treats nulls as distinct on both engines). Groups keep their activity, and the
 *   lowest watermarks of their current members (the ticks everyone sees), on the chat row, so a
 *   message writes one message row and one chat row whatever the group's size.
 * - `chat_members.role` ('member' | 'admin'; null in 1-1 chats and once a member left): the current
 *   stay's member row keeps its watermarks, settings and hides after leaving.
 * - `chat_memberships`: one row per stay (epoch): the member sees `from_seq < seq <= to_seq`.
 * - `groups`, `group_invites` (only the token's hash), `group_join_requests`.
 * - `messages.system` (a system line's event, JSON) and `messages.mentions` (JSON array of user ids).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter.supportsTransactionalDdl;
  if (postgres) {
    await sql`alter table chats alter column user_low drop not null`.execute(db);
    await sql`alter table chats alter column user_high drop not null`.execute(db);
  } else {
    await relaxSqliteChats(db);
  }
  await db.schema
    .alterTable("chats")
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("direct"))
    .execute();
  await db.schema.alterTable("chats").addColumn("activity_at", "bigint").execute();
  await db.schema
    .alterTable("chats")
    .addColumn("min_delivered_seq", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("chats")
    .addColumn("min_seen_seq", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("chat_members").addColumn("role", "text").execute();
  // A group member's current stay: seen from after `from_seq`; once out, up to `left_seq` and `left_rev`.
  await db.schema
    .alterTable("chat_members")
    .addColumn("from_seq", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("chat_members").addColumn("left_seq", "integer").execute();
  await db.schema.alterTable("chat_members").addColumn("left_rev", "integer").execute();
  await db.schema.alterTable("messages").addColumn("system", "text").execute();
  await db.schema.alterTable("messages").addColumn("mentions", "text").execute();
  // The lowest watermark of a group's current members: one index range.
  await sql`create index chat_members_current_seen on chat_members (chat_id, seen_seq) where role is not null`.execute(db);
  await sql`create index chat_members_current_delivered on chat_members (chat_id, delivered_seq) where role is not null`.execute(db);

  await db.schema
    .createTable("groups")
    .addColumn("chat_id", "text", (c) => c.primaryKey().references("chats.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("avatar_id", "text")
    .addColumn("only_admins_send", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("only_admins_edit", "integer", (c) => c.notNull().defaultTo(0))
    // Not a reference: the group outlives its creator's account.
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("member_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("groups_creator").on("groups").columns(["created_by", "created_at"]).execute();

  await db.schema
    .createTable("chat_memberships")
    .addColumn("chat_id", "text", (c) => c.notNull().references("chats.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("epoch", "integer", (c) => c.notNull())
    .addColumn("from_seq", "integer", (c) => c.notNull())
    .addColumn("to_seq", "integer")
    .addColumn("to_rev", "integer")
    .addColumn("joined_at", "bigint", (c) => c.notNull())
    .addColumn("left_at", "bigint")
    .addColumn("left_reason", "text")
    .addPrimaryKeyConstraint("chat_memberships_pkey", ["chat_id", "user_id", "epoch"])
    .execute();

  await db.schema
    .createTable("group_invites")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("chat_id", "text", (c) => c.notNull().references("chats.id").onDelete("cascade"))
    // What the token is derived from (HMAC with the server's secret): an admin can be shown the live link again.
    .addColumn("nonce", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .addColumn("needs_approval", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("group_invites_chat").on("group_invites").columns(["chat_id", "created_at"]).execute();

  await db.schema
    .createTable("group_join_requests")
    .addColumn("chat_id", "text", (c) => c.notNull().references("chats.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("requested_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_join_requests_pkey", ["chat_id", "user_id"])
    .execute();
}

/**
 * SQLite cannot drop NOT NULL from a column: the table is made again (its documented procedure),
 * with foreign keys off so that dropping the old table deletes nothing that references it.
 */
async function relaxSqliteChats(db: Kysely<any>): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`create table chats_new (
      id text primary key,
      user_low text references users (id) on delete cascade,
      user_high text references users (id) on delete cascade,
      created_at bigint not null,
      last_seq integer not null default 0,
      rev integer not null default 0,
      last_message_id text,
      constraint chats_pair_unique unique (user_low, user_high),
      constraint chats_not_self check (user_low <> user_high))`.execute(db);
    await sql`insert into chats_new (id, user_low, user_high, created_at, last_seq, rev, last_message_id)
      select id, user_low, user_high, created_at, last_seq, rev, last_message_id from chats`.execute(db);
    await sql`drop table chats`.execute(db);
    await sql`alter table chats_new rename to chats`.execute(db);
    await sql`create index chats_high on chats (user_high)`.execute(db);
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error(`chats rebuild left ${broken.rows.length} dangling references`);
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export function down(): Promise<void> {
  return Promise.reject(new Error("0015_groups cannot be undone: a group's chat has no pair to go back to"));
}
