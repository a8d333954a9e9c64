import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * Revoked sessions by when they were revoked: every node's periodic session check asks only for
 * those revoked since its last look (realtime/sessionCheck.ts), instead of re-reading the session of
 * every socket it holds. Live sessions (most rows) stay out of it; with `id` the check reads the
 * index alone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("auth_sessions_revoked").on("auth_sessions").columns(["revoked_at", "id"]).where(sql.ref("revoked_at"), "is not", null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("auth_sessions_revoked").execute();
}
