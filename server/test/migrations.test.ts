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
    db = new Kysely({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: store.env.DATABASE_URL, options: `-c search_path="${schema}"` }) }),
    });
  } else {
    db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(join(store.env.DATA_DIR!, "migrations.sqlite")) }) });
  }
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) }, ...(schema ? { migrationTableSchema: schema } : {}) });
  const indexes = async () => {
    const query =
      engine === "postgres"
        ? sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = ${schema} and tablename = 'messages'`
        : sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'messages'`;
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

    assert.equal((await migrator.migrateTo("0004_message_changes")).error, undefined);
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

test(`0005_client_id_first (${engine}): the SEND index is ordered by client id first, every row and its children kept, both ways`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  const count = async (table: string) => Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]?.n);
  const uniqueColumns = async (): Promise<string[]> => {
    if (engine === "postgres") {
      const { rows } = await sql<{
        def: string;
      }>`select indexdef as def from pg_indexes where tablename = 'messages' and indexdef like '%UNIQUE%client_id%' and schemaname = current_schema()`.execute(
        db,
      );
      return rows.map((r) => /\((.*)\)/.exec(r.def)?.[1] ?? "");
    }
    const list = await sql<{ name: string; unique: number }>`select name, "unique" from pragma_index_list('messages')`.execute(db);
    const columns: string[] = [];
    for (const index of list.rows.filter((i) => i.unique)) {
      const names = (await sql<{ name: string }>`select name from pragma_index_info(${index.name}) order by seqno`.execute(db)).rows.map((c) => c.name);
      if (names.includes("client_id")) columns.push(names.join(", "));
    }
    return columns;
  };
  try {
    assert.equal((await migrator.migrateTo("0004_message_changes")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1)`.execute(db);
    await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('chat', 'ann', 'ben', 1, 2, 3)`.execute(db);
    await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at, changed_at) values
      ('m1', 'chat', 1, 1, 'ann', 'c1', 'hello', 100, null),
      ('m2', 'chat', 2, 3, 'ben', 'c2', 'hi', 200, 250)`.execute(db);
    await sql`insert into attachments (id, chat_id, uploader_id, message_id, kind, name, mime, size, storage_key, created_at) values ('a1', 'chat', 'ann', 'm1', 'file', 'f.txt', 'text/plain', 3, 'k1', 100)`.execute(
      db,
    );
    await sql`insert into reactions (message_id, user_id, emoji, created_at) values ('m1', 'ben', '👍', 150)`.execute(db);
    assert.deepEqual(await uniqueColumns(), ["sender_id, client_id"]);

    assert.equal((await migrator.migrateTo("0005_client_id_first")).error, undefined);
    assert.deepEqual(await uniqueColumns(), ["client_id, sender_id"]);
    assert.deepEqual([await count("messages"), await count("attachments"), await count("reactions")], [2, 1, 1]);
    const m2 = await sql<{ text: string; changed_at: number | string }>`select text, changed_at from messages where id = 'm2'`.execute(db);
    assert.deepEqual(
      m2.rows.map((r) => [r.text, Number(r.changed_at)]),
      [["hi", 250]],
    );
    // Still one message per (sender, client id), and the table still owns its children.
    await assert.rejects(
      sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, created_at) values ('m3', 'chat', 3, 4, 'ann', 'c1', 300)`.execute(db),
    );
    if (engine === "sqlite") {
      assert.equal((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys, 1);
      const plan = await sql<{ detail: string }>`explain query plan select * from messages where sender_id = 'ann' and client_id = 'c1'`.execute(db);
      assert.match(plan.rows.map((r) => r.detail).join(" "), /USING INDEX sqlite_autoindex_messages/);
    }
    await sql`delete from messages where id = 'm1'`.execute(db);
    assert.deepEqual([await count("attachments"), await count("reactions")], [0, 0]);

    assert.equal((await migrator.migrateDown()).error, undefined);
    assert.deepEqual(await uniqueColumns(), ["sender_id, client_id"]);
    assert.equal(await count("messages"), 1);
  } finally {
    await drop();
  }
});

test(`0006_bio_visibility (${engine}): existing users share their bio with connections only; no other value is stored; and back`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  try {
    assert.equal((await migrator.migrateTo("0005_client_id_first")).error, undefined);
    await sql`insert into users (id, bio, created_at, updated_at) values ('ann', 'hello', 1, 1)`.execute(db);

    assert.equal((await migrator.migrateTo("0006_bio_visibility")).error, undefined);
    const rows = await sql<{ bio_visibility: string }>`select bio_visibility from users where id = 'ann'`.execute(db);
    assert.deepEqual(rows.rows, [{ bio_visibility: "connections" }]);
    await sql`insert into users (id, created_at, updated_at, bio_visibility) values ('ben', 1, 1, 'everyone')`.execute(db);
    await assert.rejects(sql`insert into users (id, created_at, updated_at, bio_visibility) values ('cat', 1, 1, 'friends')`.execute(db));

    assert.equal((await migrator.migrateDown()).error, undefined);
    await assert.rejects(sql`select bio_visibility from users`.execute(db));
  } finally {
    await drop();
  }
});

test(`0007_devices (${engine}): existing sessions are primary devices without a key; no other kind is stored; and back`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  try {
    assert.equal((await migrator.migrateTo("0006_bio_visibility")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1)`.execute(db);
    await sql`insert into auth_sessions (id, user_id, created_at, expires_at, last_used_at) values ('s1', 'ann', 1, 2, 1)`.execute(db);

    assert.equal((await migrator.migrateTo("0007_devices")).error, undefined);
    const rows = await sql<{ kind: string; public_key: string | null }>`select kind, public_key from auth_sessions where id = 's1'`.execute(db);
    assert.deepEqual(rows.rows, [{ kind: "primary", public_key: null }]);
    await sql`insert into auth_sessions (id, user_id, created_at, expires_at, last_used_at, kind, public_key, ip, user_agent) values ('s2', 'ann', 1, 2, 1, 'linked', 'k', '::1', 'ua')`.execute(
      db,
    );
    await assert.rejects(
      sql`insert into auth_sessions (id, user_id, created_at, expires_at, last_used_at, kind) values ('s3', 'ann', 1, 2, 1, 'tablet')`.execute(db),
    );

    assert.equal((await migrator.migrateDown()).error, undefined);
    await assert.rejects(sql`select kind from auth_sessions`.execute(db));
    assert.equal((await migrator.migrateTo("0007_devices")).error, undefined);
  } finally {
    await drop();
  }
});

test(`0008_device_receipts (${engine}): one row per advance of a device's watermarks, kept after its session is gone; and back`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  try {
    assert.equal((await migrator.migrateTo("0008_device_receipts")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1)`.execute(db);
    await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('chat', 'ann', 'ben', 1, 3, 3)`.execute(db);
    await sql`insert into auth_sessions (id, user_id, created_at, expires_at, last_used_at, device_name) values ('phone', 'ben', 1, 9, 1, 'Phone')`.execute(db);
    await sql`insert into device_receipts (chat_id, user_id, session_id, delivered_seq, seen_seq, at) values
      ('chat', 'ben', 'phone', 2, 0, 100), ('chat', 'ben', 'phone', 3, 3, 200)`.execute(db);
    await assert.rejects(
      sql`insert into device_receipts (chat_id, user_id, session_id, delivered_seq, seen_seq, at) values ('chat', 'ben', 'phone', 3, 3, 300)`.execute(db),
      "an advance is recorded once",
    );
    await assert.rejects(
      sql`insert into device_receipts (chat_id, user_id, session_id, delivered_seq, seen_seq, at) values ('chat', 'ben', 'phone', 4, 5, 300)`.execute(db),
      "seen implies delivered",
    );
    await sql`delete from auth_sessions where id = 'phone'`.execute(db);
    const rows = await sql<{ n: number | string }>`select count(*) as n from device_receipts where session_id = 'phone'`.execute(db);
    assert.equal(Number(rows.rows[0]?.n), 2, "no foreign key to the session: its receipts outlive it");

    assert.equal((await migrator.migrateDown()).error, undefined);
    await assert.rejects(sql`select 1 from device_receipts`.execute(db));
  } finally {
    await drop();
  }
});

test(`0009_message_search (${engine}): live messages sent before it are found, deleted ones are not; later writes keep the index in step; and back`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  const found = async (word: string) => {
    const query =
      engine === "postgres"
        ? sql<{ id: string }>`select id from messages where to_tsvector('simple', text) @@ to_tsquery('simple', ${word}) and deleted_at is null order by id`
        : sql<{ id: string }>`select m.id from messages_fts f join messages m on m.rowid = f.rowid where messages_fts match ${word} order by m.id`;
    return (await query.execute(db)).rows.map((r) => r.id);
  };
  try {
    assert.equal((await migrator.migrateTo("0008_device_receipts")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1)`.execute(db);
    await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('chat', 'ann', 'ben', 1, 3, 3)`.execute(db);
    await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at, deleted_at) values
      ('m1', 'chat', 1, 1, 'ann', 'c1', 'Kiwi fruit', 100, null),
      ('m2', 'chat', 2, 2, 'ben', 'c2', 'kiwi bird', 200, null),
      ('m3', 'chat', 3, 3, 'ann', 'c3', null, 300, 350)`.execute(db);

    assert.equal((await migrator.migrateTo("0009_message_search")).error, undefined);
    assert.deepEqual(await found("kiwi"), ["m1", "m2"]);
    await sql`update messages set text = 'mango fruit' where id = 'm1'`.execute(db);
    await sql`update messages set text = null, deleted_at = 400 where id = 'm2'`.execute(db);
    await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at) values ('m4', 'chat', 4, 4, 'ben', 'c4', 'kiwi again', 500)`.execute(
      db,
    );
    assert.deepEqual(await found("kiwi"), ["m4"]);
    assert.deepEqual(await found("fruit"), ["m1"]);
    await sql`delete from chats where id = 'chat'`.execute(db);
    assert.deepEqual(await found("kiwi"), [], "a chat removed with its messages leaves nothing in the index");
    if (engine === "sqlite") {
      const check = sql`insert into messages_fts (messages_fts, rank) values ('integrity-check', 1)`;
      await check.execute(db);
    }

    assert.equal((await migrator.migrateDown()).error, undefined);
    if (engine === "sqlite") await assert.rejects(sql`select 1 from messages_fts`.execute(db));
  } finally {
    await drop();
  }
});

test(`0010_chat_settings (${engine}): existing members start unmarked at settings rev 0; and back`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  try {
    assert.equal((await migrator.migrateTo("0008_device_receipts")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1)`.execute(db);
    await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('chat', 'ann', 'ben', 1, 0, 0)`.execute(db);
    await sql`insert into chat_members (chat_id, user_id, activity_at, pinned_at) values ('chat', 'ann', 1, 5), ('chat', 'ben', 1, null)`.execute(db);
    assert.equal((await migrator.migrateTo("0010_chat_settings")).error, undefined);
    const rows = await sql<{ user_id: string; marked_unread: number; settings_rev: number; pinned_at: number | string | null }>`
      select user_id, marked_unread, settings_rev, pinned_at from chat_members order by user_id`.execute(db);
    assert.deepEqual(
      rows.rows.map((r) => [r.user_id, Number(r.marked_unread), Number(r.settings_rev), r.pinned_at === null ? null : Number(r.pinned_at)]),
      [
        ["ann", 0, 0, 5],
        ["ben", 0, 0, null],
      ],
    );
    assert.equal((await migrator.migrateDown()).error, undefined);
    await assert.rejects(sql`select settings_rev from chat_members`.execute(db));
  } finally {
    await drop();
  }
});

test(`0015_search_by_chat (${engine}): messages before it are found by chat and word, later writes keep the index in step, a chat's id is no word; and back`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  /** Ids of live messages of `chats` with `word`, through the index as the search uses it. */
  const found = async (chats: string[], word: string) => {
    const query =
      engine === "postgres"
        ? sql<{ id: string }>`select id from messages where deleted_at is null
            and (to_tsvector('simple', text) || array_to_tsvector(array['#' || chat_id])) @@ (${`(${chats.map((c) => `'#${c}'`).join(" | ")})`}::tsquery && to_tsquery('simple', ${word}))
            order by id`
        : sql<{ id: string }>`select m.id from messages_chat_search f join messages m on m.rowid = f.rowid
            where messages_chat_search match ${`chat : (${chats.map((c) => `"${c.replaceAll("-", "")}"`).join(" OR ")}) AND text : ${word}`} order by m.id`;
    return (await query.execute(db)).rows.map((r) => r.id);
  };
  try {
    assert.equal((await migrator.migrateTo("0014_refresh_successor")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1), ('cat', 1, 1)`.execute(db);
    await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('chat-ab', 'ann', 'ben', 1, 3, 3), ('chat-bc', 'ben', 'cat', 1, 1, 1)`.execute(
      db,
    );
    await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at, deleted_at) values
      ('m1', 'chat-ab', 1, 1, 'ann', 'c1', 'Kiwi fruit', 100, null),
      ('m2', 'chat-ab', 2, 2, 'ben', 'c2', 'kiwi bird', 200, null),
      ('m3', 'chat-ab', 3, 3, 'ann', 'c3', null, 300, 350),
      ('m4', 'chat-bc', 1, 1, 'cat', 'c4', 'kiwi chatab', 400, null)`.execute(db);

    assert.equal((await migrator.migrateTo("0015_search_by_chat")).error, undefined);
    assert.deepEqual(await found(["chat-ab"], "kiwi"), ["m1", "m2"]);
    assert.deepEqual(await found(["chat-bc"], "kiwi"), ["m4"]);
    assert.deepEqual(await found(["chat-ab", "chat-bc"], "kiwi"), ["m1", "m2", "m4"]);
    assert.deepEqual(await found(["chat-ab"], "chatab"), [], "a chat's token matches the chat, never a word");
    await sql`update messages set text = 'mango fruit' where id = 'm1'`.execute(db);
    await sql`update messages set text = null, deleted_at = 400 where id = 'm2'`.execute(db);
    await sql`update messages set rev = 9 where id = 'm4'`.execute(db);
    await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at) values ('m5', 'chat-ab', 4, 4, 'ben', 'c5', 'kiwi again', 500)`.execute(
      db,
    );
    assert.deepEqual(await found(["chat-ab"], "kiwi"), ["m5"]);
    assert.deepEqual(await found(["chat-ab"], "fruit"), ["m1"]);
    assert.deepEqual(await found(["chat-bc"], "kiwi"), ["m4"]);
    await sql`delete from users where id = 'ann'`.execute(db);
    assert.deepEqual(await found(["chat-ab", "chat-bc"], "kiwi"), ["m4"], "an account removed with its chats leaves nothing of them in the index");
    if (engine === "sqlite") await sql`insert into messages_chat_search (messages_chat_search, rank) values ('integrity-check', 1)`.execute(db);

    assert.equal((await migrator.migrateDown()).error, undefined);
    const old =
      engine === "postgres"
        ? sql<{ id: string }>`select id from messages where to_tsvector('simple', text) @@ to_tsquery('simple', 'kiwi') and deleted_at is null`
        : sql<{ id: string }>`select m.id from messages_fts f join messages m on m.rowid = f.rowid where messages_fts match 'kiwi'`;
    assert.deepEqual(
      (await old.execute(db)).rows.map((r) => r.id),
      ["m4"],
      "0009's index is back",
    );
    if (engine === "sqlite") await assert.rejects(sql`select 1 from messages_chat_search`.execute(db));
  } finally {
    await drop();
  }
});

test(`0016_groups (${engine}): 1-1 chats, their members and messages survive the chats table being made again; a group's pair may be null`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  try {
    // As the server runs SQLite: with foreign keys on, a careless rebuild would cascade-delete every message.
    if (engine === "sqlite") await sql`pragma foreign_keys = on`.execute(db);
    assert.equal((await migrator.migrateTo("0014_refresh_successor")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1)`.execute(db);
    await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('chat', 'ann', 'ben', 1, 1, 1)`.execute(db);
    await sql`insert into chat_members (chat_id, user_id, activity_at) values ('chat', 'ann', 1), ('chat', 'ben', 1)`.execute(db);
    await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at) values ('m1', 'chat', 1, 1, 'ann', 'c1', 'hi', 1)`.execute(
      db,
    );
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    const chats = await sql<{ id: string; kind: string; user_low: string }>`select id, kind, user_low from chats`.execute(db);
    assert.deepEqual(chats.rows, [{ id: "chat", kind: "direct", user_low: "ann" }]);
    assert.equal((await sql<{ n: number }>`select count(*) as n from chat_members`.execute(db)).rows.map((r) => Number(r.n))[0], 2);
    assert.equal((await sql<{ n: number }>`select count(*) as n from messages`.execute(db)).rows.map((r) => Number(r.n))[0], 1);
    await sql`insert into chats (id, user_low, user_high, created_at, kind) values ('g1', null, null, 2, 'group'), ('g2', null, null, 2, 'group')`.execute(db);
    await assert.rejects(
      sql`insert into chats (id, user_low, user_high, created_at) values ('again', 'ann', 'ben', 3)`.execute(db),
      "one 1-1 chat per pair still",
    );
    if (engine === "sqlite") assert.deepEqual((await sql`pragma foreign_key_check`.execute(db)).rows, []);
  } finally {
    await drop();
  }
});

test(`0017_chat_rev_at (${engine}): every chat gets rev_at 0 (its rev moved long ago), which a write then sets`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  try {
    assert.equal((await migrator.migrateTo("0016_groups")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1)`.execute(db);
    await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('chat', 'ann', 'ben', 1, 1, 1)`.execute(db);
    assert.equal((await migrator.migrateTo("0017_chat_rev_at")).error, undefined);
    const before = await sql<{ rev_at: number | string }>`select rev_at from chats where id = 'chat'`.execute(db);
    assert.deepEqual(
      before.rows.map((r) => Number(r.rev_at)),
      [0],
    );
    await sql`insert into chats (id, user_low, user_high, created_at, kind) values ('g1', null, null, 2, 'group')`.execute(db);
    await sql`update chats set rev = 2, rev_at = ${1_765_000_000_000} where id = 'chat'`.execute(db);
    const rows = await sql<{ id: string; rev_at: number | string }>`select id, rev_at from chats order by id`.execute(db);
    assert.deepEqual(
      rows.rows.map((r) => [r.id, Number(r.rev_at)]),
      [
        ["chat", 1_765_000_000_000],
        ["g1", 0],
      ],
    );
    assert.equal((await migrator.migrateTo("0016_groups")).error, undefined, "down drops the column");
    await assert.rejects(sql`select rev_at from chats`.execute(db));
  } finally {
    await drop();
  }
});

test(`0020_sessions_by_revoked_at (${engine}): the session check's "revoked since" reads revoked sessions by time, from the index alone; and back`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  const sessionIndexes = async () => {
    const query =
      engine === "postgres"
        ? sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'auth_sessions'`
        : sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'auth_sessions'`;
    return (await query.execute(db)).rows.map((r) => r.name);
  };
  try {
    assert.equal((await migrator.migrateTo("0018_search_behind_writes")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1)`.execute(db);
    await sql`insert into auth_sessions (id, user_id, created_at, expires_at, last_used_at, revoked_at) values
      ('live', 'ann', 1, 100, 1, null), ('old', 'ann', 1, 100, 1, 10), ('new', 'ann', 1, 100, 1, 50)`.execute(db);
    assert.equal((await migrator.migrateTo("0020_sessions_by_revoked_at")).error, undefined);
    assert.ok((await sessionIndexes()).includes("auth_sessions_revoked"));
    const since = sql<{ id: string }>`select id from auth_sessions where revoked_at >= ${40}`;
    assert.deepEqual((await since.execute(db)).rows, [{ id: "new" }]);
    if (engine === "sqlite") {
      const plan = await sql<{ detail: string }>`explain query plan select id from auth_sessions where revoked_at >= ${40}`.execute(db);
      assert.deepEqual(
        plan.rows.map((r) => r.detail),
        ["SEARCH auth_sessions USING COVERING INDEX auth_sessions_revoked (revoked_at>?)"],
      );
    } else {
      // Three rows are read faster whole; without that choice the plan reads the index only.
      const plan = await db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        return sql<{ "QUERY PLAN": string }>`explain select id from auth_sessions where revoked_at >= ${40}`.execute(trx);
      });
      assert.match(plan.rows[0]!["QUERY PLAN"], /^Index Only Scan using auth_sessions_revoked/);
    }
    assert.equal((await migrator.migrateDown()).error, undefined);
    assert.ok(!(await sessionIndexes()).includes("auth_sessions_revoked"));
  } finally {
    await drop();
  }
});

test(
  `0021_postgres_search_behind_writes (${engine}): messages before it are in message_search, later writes queue their ids, the GIN index leaves messages; and back`,
  { skip: engine !== "postgres" && "PostgreSQL only (SQLite's index is 0018's)" },
  async () => {
    const { db, migrator, indexes, drop } = await bareDatabase();
    const searched = async (lexemes: string) =>
      (await sql<{ id: string }>`select message_id as id from message_search where doc @@ ${lexemes}::tsquery`.execute(db)).rows.map((r) => r.id).sort();
    const queue = async () => (await sql<{ id: string }>`select message_id as id from message_search_queue`.execute(db)).rows.map((r) => r.id).sort();
    try {
      assert.equal((await migrator.migrateTo("0020_sessions_by_revoked_at")).error, undefined);
      await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1)`.execute(db);
      await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('chat-ab', 'ann', 'ben', 1, 3, 3)`.execute(db);
      await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at, deleted_at) values
        ('m1', 'chat-ab', 1, 1, 'ann', 'c1', 'Kiwi fruit', 100, null),
        ('m2', 'chat-ab', 2, 2, 'ben', 'c2', '', 200, null),
        ('m3', 'chat-ab', 3, 3, 'ann', 'c3', null, 300, 350)`.execute(db);
      assert.ok((await indexes()).includes("messages_chat_search"));

      assert.equal((await migrator.migrateTo("0021_postgres_search_behind_writes")).error, undefined);
      assert.ok(!(await indexes()).includes("messages_chat_search"), "no GIN index on messages");
      assert.deepEqual(await searched("'kiwi' & '#chat-ab'"), ["m1"], "the backfill: live messages with text, with their chat");
      assert.deepEqual(await queue(), []);
      await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at) values
        ('m4', 'chat-ab', 4, 4, 'ben', 'c4', 'kiwi again', 400), ('m5', 'chat-ab', 5, 5, 'ben', 'c5', null, 500)`.execute(db);
      assert.deepEqual(await queue(), ["m4"], "an insert queues its messages with text, in one statement");
      await sql`update messages set rev = 9 where id = 'm1'`.execute(db);
      assert.deepEqual(await queue(), ["m4"], "a change of anything but text or deletion queues nothing");
      await sql`update messages set text = 'mango' where id = 'm1'`.execute(db);
      await sql`delete from users where id = 'ann'`.execute(db);
      assert.deepEqual(await queue(), ["m1", "m1", "m4", "m4"], "an edit queues it again, and so does the cascade of an account's removal");

      assert.equal((await migrator.migrateDown()).error, undefined);
      assert.ok((await indexes()).includes("messages_chat_search"), "0015's index is back");
      await assert.rejects(sql`select 1 from message_search_queue`.execute(db));
      await assert.rejects(sql`select 1 from message_search`.execute(db));
    } finally {
      await drop();
    }
  },
);
test(`0022_direct_sent_counts (${engine}): each 1-1 member's unread is what it was, now the peer's sent count minus their peer_seen; and back`, async () => {
  const { db, migrator, drop } = await bareDatabase();
  try {
    assert.equal((await migrator.migrateTo("0020_sessions_by_revoked_at")).error, undefined);
    await sql`insert into users (id, created_at, updated_at) values ('ann', 1, 1), ('ben', 1, 1), ('cy', 1, 1)`.execute(db);
    await sql`insert into chats (id, user_low, user_high, created_at, last_seq, rev) values ('ab', 'ann', 'ben', 1, 5, 5), ('ac', 'ann', 'cy', 1, 0, 0)`.execute(
      db,
    );
    await sql`insert into chats (id, user_low, user_high, created_at, kind, last_seq, rev) values ('g', null, null, 1, 'group', 1, 1)`.execute(db);
    // ann sent 1, 2 and 5; ben 3 and 4. ann read up to 4 (nothing unread), ben up to 1 (2 and 5 unread).
    for (const [seq, sender] of [
      [1, "ann"],
      [2, "ann"],
      [3, "ben"],
      [4, "ben"],
      [5, "ann"],
    ] as const) {
      await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at) values (${`m${seq}`}, 'ab', ${seq}, ${seq}, ${sender}, ${`c${seq}`}, 'hi', 1)`.execute(
        db,
      );
    }
    await sql`insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at) values ('g1', 'g', 1, 1, 'ann', 'cg', 'hi', 1)`.execute(db);
    await sql`insert into chat_members (chat_id, user_id, activity_at, delivered_seq, seen_seq, unread) values
      ('ab', 'ann', 1, 5, 4, 0), ('ab', 'ben', 1, 5, 1, 2), ('ac', 'ann', 1, 0, 0, 0), ('ac', 'cy', 1, 0, 0, 0)`.execute(db);
    await sql`insert into chat_members (chat_id, user_id, activity_at, role) values ('g', 'ann', 1, 'admin')`.execute(db);
    assert.equal((await migrator.migrateTo("0022_direct_sent_counts")).error, undefined);
    const chats = await sql<{ id: string; low_sent: number; high_sent: number }>`select id, low_sent, high_sent from chats order by id`.execute(db);
    assert.deepEqual(
      chats.rows.map((r) => [r.id, Number(r.low_sent), Number(r.high_sent)]),
      [
        ["ab", 3, 2],
        ["ac", 0, 0],
        ["g", 0, 0],
      ],
    );
    const unread = await sql<{ chat_id: string; user_id: string; unread: number }>`
      select m.chat_id, m.user_id, (case when m.user_id = c.user_low then c.high_sent else c.low_sent end) - m.peer_seen as unread
      from chat_members m join chats c on c.id = m.chat_id order by m.chat_id, m.user_id`.execute(db);
    assert.deepEqual(
      unread.rows.map((r) => [r.chat_id, r.user_id, Number(r.unread)]),
      [
        ["ab", "ann", 0],
        ["ab", "ben", 2],
        ["ac", "ann", 0],
        ["ac", "cy", 0],
        ["g", "ann", 0],
      ],
    );
    assert.equal((await migrator.migrateTo("0020_sessions_by_revoked_at")).error, undefined, "down");
    const back = await sql<{ user_id: string; unread: number }>`select user_id, unread from chat_members where chat_id = 'ab' order by user_id`.execute(db);
    assert.deepEqual(
      back.rows.map((r) => [r.user_id, Number(r.unread)]),
      [
        ["ann", 0],
        ["ben", 2],
      ],
    );
    await assert.rejects(sql`select peer_seen from chat_members`.execute(db));
  } finally {
    await drop();
  }
});
