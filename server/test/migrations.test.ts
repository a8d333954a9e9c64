import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from "kysely";
import pg from "pg";
import { migrations } from "../src/db/migrate.ts";
import { freshStore } from "./support/store.ts";

const engine = process.env.DATABASE_URL ? "postgres" : "sqlite";

/** A bare database of the engine under test, migrated only as far as each test says. */
async function bareDatabase(): Promise<{ db: Kysely<unknown>; migrator: Migrator; indexes: () => Promise<string[]>; drop: () => Promise<void> }> {
  const store = freshStore(engine);
  const schema = store.env.DATABASE_SCHEMA;
  let db: Kysely<unknown>;
  if (engine === "postgres") {
    const admin = new pg.Client({ connectionString: store.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    await admin.end();
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: store.env.DATABASE_URL, options: `-c search_path="${schema}"` }) }) });
  } else {
    db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(join(store.env.DATA_DIR!, "migrations.sqlite")) }) });
  }
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) }, ...(schema ? { migrationTableSchema: schema } : {}) });
  const indexes = async () => {
    const query = engine === "postgres" ? sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = ${schema} and tablename = 'messages'` : sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'messages'`;
    return (await query.execute(db)).rows.map((r) => r.name).sort();
  };
  return {
    db,
    migrator,
    indexes,
    drop: async () => {
      await db.destroy();
      await store.drop();
    },
  };
}

test(`0004_message_changes (${engine}): messages sent before it all count as changed, so SYNC answers stay the same`, async () => {
  const { db, migrator, indexes, drop } = await bareDatabase();
  try {
    assert.equal((await migrator.migrateTo("0003_chat")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1)`.execute(db);
    await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('chat', 'ann', 'ben', 1, 3, 5)`.execute(db);
    await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at, edited_at, deleted_at) values
      ('m1', 'chat', 1, 1, 'ann', 'c1', 'plain', 100, null, null),
      ('m2', 'chat', 2, 4, 'ben', 'c2', 'edited', 200, 250, null),
      ('m3', 'chat', 3, 5, 'ann', 'c3', null, 300, null, 350)`.execute(db);

    assert.equal((await migrator.migrateToLatest()).error, undefined);
    const rows = await sql<{ id: string; changed_at: number | string | null }>`select id, changed_at from messages order by seq`.execute(db);
    assert.deepEqual(
      rows.rows.map((r) => [r.id, Number(r.changed_at)]),
      [
        ["m1", 100],
        ["m2", 250],
        ["m3", 350],
      ],
    );
    const after = await indexes();
    assert.ok(after.includes("messages_chat_changes"), after.join(", "));
    assert.ok(!after.includes("messages_chat_rev"), after.join(", "));

    // And back: the down migration restores the index on every message's rev.
    assert.equal((await migrator.migrateDown()).error, undefined);
    const before = await indexes();
    assert.ok(before.includes("messages_chat_rev") && !before.includes("messages_chat_changes"), before.join(", "));
  } finally {
    await drop();
  }
});
