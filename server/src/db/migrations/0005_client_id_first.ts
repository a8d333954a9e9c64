import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * The index that makes a resent SEND find its message is ordered by client id first. Clients make
 * time-ordered ids (UUIDv7), so a batch of new messages lands near the end of this index instead of
 * on a random page per message: one WAL page fewer per message, and far fewer pages to checkpoint.
 * Lookups name both columns, so the order changes nothing else.
 */
const before = { name: "messages_sender_client_unique", columns: ["sender_id", "client_id"] };
const after = { name: "messages_client_sender_unique", columns: ["client_id", "sender_id"] };

export async function up(db: Kysely<any>): Promise<void> {
  await swapUnique(db, before, after);
}

export async function down(db: Kysely<any>): Promise<void> {
  await swapUnique(db, after, before);
}

type Unique = { name: string; columns: string[] };

async function swapUnique(db: Kysely<any>, from: Unique, to: Unique): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) {
    await db.schema.alterTable("messages").dropConstraint(from.name).execute();
    await db.schema.alterTable("messages").addUniqueConstraint(to.name, to.columns).execute();
    return;
  }
  // SQLite cannot drop a table's constraint: the table is rebuilt from its own stored definition
  // with only that constraint changed (SQLite's documented steps for a change ALTER cannot make).
  const clause = (u: Unique) => `constraint "${u.name}" unique (${u.columns.map((c) => `"${c}"`).join(", ")})`;
  const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'messages'`.execute(db);
  const ddl = rows[0]?.sql ?? "";
  if (!ddl.includes(clause(from))) throw new Error(`messages has no ${from.name} to change`);
  const next = ddl.replace('CREATE TABLE "messages"', 'CREATE TABLE "messages_next"').replace(clause(from), clause(to));
  // Off outside the transaction (SQLite ignores it inside): dropping the old table must not cascade.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql.raw(next).execute(trx);
      await sql`insert into messages_next select * from messages`.execute(trx);
      await sql`drop table messages`.execute(trx);
      await sql`alter table messages_next rename to messages`.execute(trx);
      await sql`create index messages_chat_changes on messages (chat_id, rev) where changed_at is not null`.execute(trx);
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error(`foreign keys broken by the rebuild: ${JSON.stringify(broken.rows.slice(0, 3))}`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
