import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type EngineName = "sqlite" | "postgres";

/**
 * Where one server process keeps its data: the environment that names it, and a way to remove it.
 * `backends`: on PostgreSQL, the process ids of the database's backends serving this store (its
 * connections name themselves after the schema, PGAPPNAME), so a bench can count their CPU.
 */
export type Store = { engine: EngineName; env: Record<string, string>; drop(): Promise<void>; backends: () => Promise<number[]> };

export const defaultDatabaseUrl = "postgres://postgres@127.0.0.1:5432/test";

/**
 * A fresh data directory, and on PostgreSQL a fresh schema as well (the directory still holds
 * the generated app secret, so every process given this env signs and checks the same tokens).
 */
export function freshStore(engine: EngineName, databaseUrl = process.env.DATABASE_URL ?? defaultDatabaseUrl): Store {
  const dataDir = mkdtempSync(join(tmpdir(), "easyqr-store-"));
  const schema = `store_${randomBytes(6).toString("hex")}`;
  const env: Record<string, string> =
    engine === "postgres" ? { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, PGAPPNAME: schema } : { DATA_DIR: dataDir };
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    engine,
    env,
    backends: async () =>
      engine === "postgres"
        ? admin(async (c) => (await c.query<{ pid: number }>("select pid from pg_stat_activity where application_name = $1", [schema])).rows.map((r) => r.pid))
        : [],
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      if (engine !== "postgres") return;
      await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}
