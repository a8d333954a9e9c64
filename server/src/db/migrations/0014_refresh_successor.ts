import type { Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * Which token replaced a spent refresh token (its hash): a client that lost the answer of a
 * refresh (a reload mid-refresh) presents the spent token again, and is answered again while
 * that replacement is unused. Tokens spent before this migration point nowhere.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("refresh_tokens").addColumn("replaced_by", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("refresh_tokens").dropColumn("replaced_by").execute();
}
