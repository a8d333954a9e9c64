import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { CamelCasePlugin, Kysely, PostgresDialect, sql, SqliteDialect, type SqliteDatabase } from "kysely";
import type pg from "pg";
import type { Config } from "../config.ts";
import { walSync, type WalSync } from "./walSync.ts";
import { startCheckpointer } from "./checkpointer.ts";
import { searchIndexBehind, type SearchIndex } from "./searchIndex.ts";
import { searchIndexPostgres } from "./searchIndexPostgres.ts";
import { migrateToLatest } from "./migrate.ts";
import type { Db, Schema } from "./schema.ts";

export type Engine = "sqlite" | "postgres";

/** The driver under Kysely, for hot paths that run prepared statements (chat/store/). */
export type RawHandle =
  { engine: "sqlite"; file: SQLite.Database; wal: WalSync; search: SearchIndex } | { engine: "postgres"; pool: pg.Pool; search: SearchIndex };

export type Database = {
  db: Db;
  engine: Engine;
  raw: RawHandle;
  /** One round trip; false when the database does not answer. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};

/** PostgreSQL types whose text form we turn into JS numbers (bigint, numeric from count()). */
const INT8 = 20;
const NUMERIC = 1700;

/** PostgreSQL pool connections for everything but the chat's send batches in flight, which hold one each on top. */
const SHARED_CONNECTIONS = 10;

/**
 * A connection attempt to PostgreSQL that has not succeeded by then fails: a server that does not
 * answer at all (a network partition drops packets rather than refusing them) must not hold a
 * request past the bound a client waits for (it gets UNAVAILABLE instead).
 */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens the database the config names (PostgreSQL when DATABASE_URL is set,
 * else the SQLite file DATA_DIR/easyqr.sqlite) and applies pending migrations.
 */
export async function openDatabase(config: Pick<Config, "dataDir" | "database">, options: { sendBatches?: number } = {}): Promise<Database> {
  const database = config.database.url
    ? await openPostgres(config.database.url, config.database.schema, SHARED_CONNECTIONS + (options.sendBatches ?? 0))
    : openSqlite(config.dataDir);
  try {
    await migrateToLatest(database.db as Db & Kysely<unknown>, config.database.url ? config.database.schema : undefined);
  } catch (error) {
    await database.close();
    throw error;
  }
  // What a stop or a crash left unindexed is taken now, not at the next write.
  database.raw.search.soon();
  return database;
}

/**
 * How large the SQLite WAL may grow before the checkpointer asks for a moment to start it over.
 * Only sustained heavy writing gets here (otherwise a checkpoint catches up and the WAL starts over
 * by itself); each moment stalls the event loop for one short copy, at 10,000 msgs/s every ~6 s.
 */
const WAL_RESTART_BYTES = 384 * 2 ** 20;

function openSqlite(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  const file = new SQLite(join(dataDir, "easyqr.sqlite"));
  file.pragma("journal_mode = WAL");
  file.pragma("foreign_keys = ON");
  // Acked means on disk: FULL syncs the WAL at every commit, so what a commit wrote survives a power
  // cut, not only a killed process (NORMAL). The chat store's commits (most of the writing) instead
  // commit with NORMAL and sync the WAL off the event loop before they answer (walSync.ts).
  file.pragma("synchronous = FULL");
  file.pragma("busy_timeout = 5000");
  // Measured on the message path: a 64 MB page cache took group-committed sends from ~5,000 to
  // ~9,000 msgs/s (each batch dirties index pages all over messages' indexes). Checkpoints run in a
  // worker thread (checkpointer.ts); the writer's autocheckpoint at ~1 GB is a backstop. No
  // journal_size_limit: truncating a large WAL when it starts over took 122 ms inside a commit.
  file.pragma("cache_size = -65536");
  file.pragma("wal_autocheckpoint = 250000");
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: preparedOnce(file) }), plugins: [new CamelCasePlugin()] });
  const checkpointer = startCheckpointer({
    file: file.name,
    everyMs: 1000,
    restartBytes: WAL_RESTART_BYTES,
    hold: (work) => db.connection().execute(() => Promise.resolve(work())),
    onError: (message) => console.error(`sqlite checkpoint: ${message}`),
  });
  const wal = walSync(file.name);
  const search = searchIndexBehind(file, {
    hold: (work) => db.connection().execute(() => Promise.resolve(work())),
    onError: (message) => console.error(`sqlite search index: ${message}`),
  });
  const close = async () => {
    await search.stop();
    await checkpointer.stop();
    await db.destroy();
    await wal.close();
  };
  return { db, engine: "sqlite", raw: { engine: "sqlite", file, wal, search }, ping: () => ping(db), close };
}

/** Statements kept prepared, most recently used last: Kysely's queries differ only by list lengths, so a few hundred cover them. */
const PREPARED_KEPT = 512;

/**
 * The SQLite file as Kysely's driver sees it, with each statement prepared once: the driver
 * prepares every query it runs, which cost ~20 µs of an authenticated request's ~70 µs in Kysely.
 */
function preparedOnce(file: SQLite.Database): SqliteDatabase {
  const kept = new Map<string, SQLite.Statement>();
  return {
    close: () => file.close(),
    prepare(text) {
      let statement = kept.get(text);
      if (statement) kept.delete(text);
      else statement = file.prepare(text);
      kept.set(text, statement);
      if (kept.size > PREPARED_KEPT) kept.delete(kept.keys().next().value!);
      return statement;
    },
  };
}

async function openPostgres(url: string, schema: string | undefined, connections: number): Promise<Database> {
  // Loaded only here: a SQLite server never needs the driver.
  const { default: pg } = await import("pg");
  /** A pg client whose connection attempt gives up after CONNECT_TIMEOUT_MS (the pool passes its options to it). */
  class BoundedClient extends pg.Client {
    constructor(config: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    }
  }
  /** pg's parsers, except that BIGINT and NUMERIC (what count() returns) become numbers: our values fit in 2^53. */
  const typeParser = ((oid: number, format?: "text" | "binary"): unknown =>
    oid === INT8 || oid === NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;
  if (schema) {
    // The schema name is validated by config (a lower-case identifier), so quoting it is enough.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await admin.end();
    }
  }
  const options: pg.PoolConfig = {
    connectionString: url,
    // A client sends each statement as it is issued instead of after the one before returned: the
    // chat store issues a batch's reads (and its writes) together, one round trip each (ADR 0006).
    // Kysely awaits each statement before the next, so for it nothing changes.
    pipeline: true,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
    types: { getTypeParser: typeParser },
    // The bound is the client's own, on opening a connection. The pool's option of the same name
    // would also bound the wait for a busy pool's next free client: a burst on one chat waits its
    // turn for the chat's lock there, and would be refused UNAVAILABLE with the database up.
    Client: BoundedClient as unknown as new () => pg.ClientBase,
    // TCP keep-alive notices a connection whose server vanished while it sat in the pool.
    keepAlive: true,
  };
  const pool = new pg.Pool({ ...options, max: connections });
  // The search indexer's own connection: its runs never wait for a client behind the send batches.
  const searchPool = new pg.Pool({ ...options, max: 1 });
  // A connection that breaks (PostgreSQL restarting, the network cut) emits "error": the pool's own
  // listener on an idle one, nobody's on one checked out between two queries of a transaction, and
  // unheard it would end the process. The query in flight, or the next one, fails instead; the pool
  // drops the broken connection when it comes back and opens a new one for the next request. While
  // none can be opened, requests are answered UNAVAILABLE and the health watcher logs it once.
  for (const each of [pool, searchPool]) {
    each.on("error", () => undefined);
    each.on("connect", (client) => client.on("error", () => undefined));
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  const search = searchIndexPostgres(searchPool, (message) => console.error(`postgresql search index: ${message}`));
  const close = async () => {
    await search.stop();
    await searchPool.end();
    await db.destroy();
  };
  return { db, engine: "postgres", raw: { engine: "postgres", pool, search }, ping: () => ping(db), close };
}

async function ping(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
