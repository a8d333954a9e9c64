import type SQLite from "better-sqlite3";
import type pg from "pg";
import type { Database } from "../db/database.ts";
import { postgresSendStatements, sqliteSendStatements, type SendStatements } from "./sendSql.ts";
import type { Turn } from "./turns.ts";

/**
 * The chat tables' statements, in SQL both engines read (`?` placeholders, snake_case columns),
 * prepared once and reused: on the message path Kysely's per-call compile costs more than the
 * query itself. The service is written once against this; each engine runs it its own way.
 */
export type Sql = {
  all<T>(text: string, ...params: unknown[]): Promise<T[]>;
  get<T>(text: string, ...params: unknown[]): Promise<T | undefined>;
  /** Returns the number of rows changed. */
  run(text: string, ...params: unknown[]): Promise<number>;
  /** A batch of sends' statements, each for the whole batch (sendSql.ts). */
  sends: SendStatements;
};

export type ChatSql = {
  /**
   * Statements in one transaction; everything or nothing. With a `turn` (turns.ts), the work
   * itself waits for `mayLock` before it locks its chats; on SQLite the transaction also waits for
   * it before it takes the connection (see sqliteSql).
   */
  write<T>(work: (q: Sql) => Promise<T>, turn?: Pick<Turn, "mayLock">): Promise<T>;
  /** Statements outside a transaction. */
  read<T>(work: (q: Sql) => Promise<T>): Promise<T>;
};

export function chatSql(database: Database): ChatSql {
  return database.raw.engine === "sqlite" ? sqliteSql(database, database.raw.file) : postgresSql(database.raw.pool);
}

/**
 * SQLite: one connection, shared with Kysely. Holding Kysely's connection lock keeps its
 * transactions (which await between statements) from interleaving with ours; inside it
 * better-sqlite3 is synchronous, so a whole batch runs in one turn of the event loop.
 * A transaction in a turn waits for the turn before it to have locked before it asks for the
 * connection: Kysely's lock is not first come first served, so a later turn could otherwise get
 * the connection first and wait on it for the earlier one, which waits for the connection.
 */
function sqliteSql(database: Database, file: SQLite.Database): ChatSql {
  const statements = new Map<string, SQLite.Statement>();
  const prepare = (text: string): SQLite.Statement => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = file.prepare(text)));
    return statement;
  };
  const q: Sql = {
    all: <T>(text: string, ...params: unknown[]) => Promise.resolve(prepare(text).all(...params) as T[]),
    get: <T>(text: string, ...params: unknown[]) => Promise.resolve(prepare(text).get(...params) as T | undefined),
    run: (text: string, ...params: unknown[]) => Promise.resolve(prepare(text).run(...params).changes),
    sends: sqliteSendStatements(prepare),
  };
  const begin = file.prepare("BEGIN IMMEDIATE");
  const commit = file.prepare("COMMIT");
  const rollback = file.prepare("ROLLBACK");
  const locked = <T>(work: () => Promise<T>): Promise<T> => database.db.connection().execute(work);
  return {
    read: (work) => locked(() => work(q)),
    write: async (work, turn) => {
      await turn?.mayLock;
      return locked(async () => {
        begin.run();
        try {
          const result = await work(q);
          commit.run();
          return result;
        } catch (error) {
          if (file.inTransaction) rollback.run();
          throw error;
        }
      });
    },
  };
}

/**
 * PostgreSQL: named statements (parsed once per connection), a pool client per transaction. A
 * transaction in a turn takes its client and BEGINs before its turn comes (the work waits), so
 * those round trips overlap the turn before; the pool hands out clients first come first served
 * and turns ask for them in turn order, so an earlier turn never waits for a client a later one holds.
 */
function postgresSql(pool: pg.Pool): ChatSql {
  const texts = new Map<string, { name: string; text: string }>();
  const named = (text: string): { name: string; text: string } => {
    let entry = texts.get(text);
    if (!entry) {
      let n = 0;
      entry = { name: `chat_${texts.size}`, text: text.replace(/\?/g, () => `$${++n}`) };
      texts.set(text, entry);
    }
    return entry;
  };
  const over = (client: pg.Pool | pg.PoolClient): Sql => ({
    all: async <T>(text: string, ...params: unknown[]) => (await client.query({ ...named(text), values: params })).rows as T[],
    get: async <T>(text: string, ...params: unknown[]) => (await client.query({ ...named(text), values: params })).rows[0] as T | undefined,
    run: async (text: string, ...params: unknown[]) => (await client.query({ ...named(text), values: params })).rowCount ?? 0,
    sends: postgresSendStatements(async (name, text, values) => {
      const result = await client.query({ name, text, values });
      return { rows: result.rows as unknown[], rowCount: result.rowCount ?? 0 };
    }),
  });
  const pooled = over(pool);
  return {
    read: (work) => work(pooled),
    async write(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(over(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
