import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type EngineName = "sqlite" | "postgres";

/** Where one server process keeps its data: the environment that names it, and a way to remove it. */
export type Store = { engine: EngineName; env: Record<string, string>; drop(): Promise<void> };

export const defaultDatabaseUrl = "postgres://postgres@127.0.0.1:5432/test";

/**
 * A fresh data directory, and on PostgreSQL a fresh schema as well (the directory still holds
 * the generated app secret, so every process given this env signs and checks the same tokens).
 */
export function freshStore(engine: EngineName, databaseUrl = process.env.DATABASE_URL ?? defaultDatabaseUrl): Store {
  const dataDir = mkdtempSync(join(tmpdir(), "easyqr-store-"));
  const schema = `store_${randomBytes(6).toString("hex")}`;
  const env: Record<string, string> = engine === "postgres" ? { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } : { DATA_DIR: dataDir };
  return {
    engine,
    env,
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      if (engine !== "postgres") return;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
