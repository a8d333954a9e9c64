import type { Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * `chats.rev_at`: when the chat's rev last moved (wall-clock epoch ms), written with every rev.
 * Cluster mode's per-chat order (ADR 0009) carries the predecessor's `rev_at` with each change, so
 * a node that does not know a chat yet can tell whether that predecessor may still be on its way.
 * 0 (every chat before this migration): long ago.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("chats")
    .addColumn("rev_at", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("chats").dropColumn("rev_at").execute();
}
