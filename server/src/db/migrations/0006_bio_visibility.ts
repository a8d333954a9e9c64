import { sql, type Kysely } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then, not today's types */

/** Who sees a user's bio besides their connections: `connections` (nobody else, every existing user) or `everyone`. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("bio_visibility", "text", (c) =>
      c
        .notNull()
        .defaultTo("connections")
        .check(sql`bio_visibility in ('connections', 'everyone')`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("bio_visibility").execute();
}
