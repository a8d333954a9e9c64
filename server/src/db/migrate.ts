import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import * as m0001 from "./migrations/0001_accounts.ts";
import * as m0002 from "./migrations/0002_contacts.ts";
import * as m0003 from "./migrations/0003_chat.ts";
import * as m0004 from "./migrations/0004_message_changes.ts";
import * as m0005 from "./migrations/0005_client_id_first.ts";
import * as m0006 from "./migrations/0006_bio_visibility.ts";
import * as m0007 from "./migrations/0007_devices.ts";
import * as m0008 from "./migrations/0008_device_receipts.ts";
import * as m0009 from "./migrations/0009_message_search.ts";
import * as m0010 from "./migrations/0010_chat_settings.ts";
import * as m0011 from "./migrations/0011_forward_and_hide.ts";
import * as m0014 from "./migrations/0014_refresh_successor.ts";
import * as m0015 from "./migrations/0015_search_by_chat.ts";
import * as m0016 from "./migrations/0016_groups.ts";
import * as m0017 from "./migrations/0017_chat_rev_at.ts";
import * as m0018 from "./migrations/0018_search_behind_writes.ts";
import * as m0020 from "./migrations/0020_sessions_by_revoked_at.ts";
import * as m0021 from "./migrations/0021_postgres_search_behind_writes.ts";
import * as m0022 from "./migrations/0022_direct_sent_counts.ts";

/**
 * The numbered migrations, in order. One set for SQLite and PostgreSQL: they use
 * only what both have (text, integer, bigint, unique and check constraints, partial indexes).
 * A new migration is a new file `NNNN_name.ts` added here; an applied one is never edited.
 */
export const migrations: Record<string, Migration> = {
  "0001_accounts": m0001,
  "0002_contacts": m0002,
  "0003_chat": m0003,
  "0004_message_changes": m0004,
  "0005_client_id_first": m0005,
  "0006_bio_visibility": m0006,
  "0007_devices": m0007,
  "0008_device_receipts": m0008,
  "0009_message_search": m0009,
  "0010_chat_settings": m0010,
  "0011_forward_and_hide": m0011,
  "0014_refresh_successor": m0014,
  "0015_search_by_chat": m0015,
  "0016_groups": m0016,
  "0017_chat_rev_at": m0017,
  "0018_search_behind_writes": m0018,
  "0020_sessions_by_revoked_at": m0020,
  "0021_postgres_search_behind_writes": m0021,
  "0022_direct_sent_counts": m0022,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/**
 * Brings the schema up to date; run at every start. Throws (and changes nothing more) on the first failure.
 * `schema` (PostgreSQL) keeps Kysely's bookkeeping tables in that schema: unqualified, Kysely would
 * find another schema's tables and skip creating its own.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    // Kysely looks for its tables across every schema of the database first; another schema dropped
    // meanwhile (several test runs or nodes sharing one PostgreSQL) fails that look, not a migration.
    if (schema && attempt < 3 && /^schema "[^"]+" does not exist$/.test(message) && !message.includes(`"${schema}"`)) continue;
    throw new Error(`database migration failed: ${message}`, { cause: error });
  }
}
