import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/**
 * Sign-in sessions become devices (issue 14): what kind (`primary`: signed in with a code; `linked`: a
 * desktop linked by a phone), the linked device's public key (its refreshes must be signed with it),
 * and where it signed in from.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("auth_sessions")
    .addColumn("kind", "text", (c) =>
      c
        .notNull()
        .defaultTo("primary")
        .check(sql`kind in ('primary', 'linked')`),
    )
    .execute();
  await db.schema.alterTable("auth_sessions").addColumn("public_key", "text").execute();
  await db.schema.alterTable("auth_sessions").addColumn("ip", "text").execute();
  await db.schema.alterTable("auth_sessions").addColumn("user_agent", "text").execute();
  // The idle-device sweep reads live sessions by last use.
  await db.schema.createIndex("auth_sessions_last_used").on("auth_sessions").column("last_used_at").where(sql.ref("revoked_at"), "is", null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("auth_sessions_last_used").execute();
  for (const column of ["user_agent", "ip", "public_key", "kind"]) await db.schema.alterTable("auth_sessions").dropColumn(column).execute();
}
