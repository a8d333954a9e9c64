import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * A 1-1 chat's unread count without a member row written per message. A send used to add one to
 * the recipient's `chat_members.unread`: one more row (and page) written in every send batch for
 * every chat in it. Now the chat row, written anyway, counts what each of the pair sent
 * (`chats.low_sent`, `chats.high_sent`), and a member's row, written only when their seen mark
 * moves, counts how many of the peer's messages are at or below it (`chat_members.peer_seen`): the
 * unread count is the difference. `chat_members.unread` is no longer kept (SQLite cannot drop it:
 * a table CHECK names it); a group's count was derived from its watermarks already (ADR 0008).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("chats")
    .addColumn("low_sent", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("chats")
    .addColumn("high_sent", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("chat_members")
    .addColumn("peer_seen", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // One pass over the messages, grouped; the members' counts follow from the unread they kept.
  await sql`create temporary table sent_counts as select chat_id, sender_id, count(*) as n from messages group by chat_id, sender_id`.execute(db);
  await sql`update chats set
      low_sent = coalesce((select n from sent_counts s where s.chat_id = chats.id and s.sender_id = chats.user_low), 0),
      high_sent = coalesce((select n from sent_counts s where s.chat_id = chats.id and s.sender_id = chats.user_high), 0)
    where kind = 'direct'`.execute(db);
  await sql`update chat_members set peer_seen = (
      select case when c.user_low = chat_members.user_id then c.high_sent else c.low_sent end from chats c where c.id = chat_members.chat_id
    ) - unread
    where chat_id in (select id from chats where kind = 'direct')`.execute(db);
  await sql`update chat_members set peer_seen = 0 where peer_seen < 0`.execute(db);
  await sql`drop table sent_counts`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update chat_members set unread = (
      select case when c.user_low = chat_members.user_id then c.high_sent else c.low_sent end from chats c where c.id = chat_members.chat_id
    ) - peer_seen
    where chat_id in (select id from chats where kind = 'direct')`.execute(db);
  await db.schema.alterTable("chat_members").dropColumn("peer_seen").execute();
  await db.schema.alterTable("chats").dropColumn("high_sent").execute();
  await db.schema.alterTable("chats").dropColumn("low_sent").execute();
}
