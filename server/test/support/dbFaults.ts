import { sql } from "kysely";
import type { TestServer } from "./harness.ts";

/**
 * Makes every insert into `table` fail with a database error (a trigger, on either engine) until
 * the returned function is called: a real failure inside the server's own transaction.
 */
export async function failInserts(server: TestServer, table: "users" | "auth_sessions" | "refresh_tokens"): Promise<() => Promise<void>> {
  const { db, engine } = server.app.database;
  const name = sql.id(`fail_${table}`);
  if (engine === "sqlite") {
    await sql`create trigger ${name} before insert on ${sql.table(table)} begin select raise(abort, 'forced failure'); end`.execute(db);
    return async () => void (await sql`drop trigger ${name}`.execute(db));
  }
  await sql`create function ${name}() returns trigger language plpgsql as $$ begin raise exception 'forced failure'; end $$`.execute(db);
  await sql`create trigger ${name} before insert on ${sql.table(table)} for each row execute function ${name}()`.execute(db);
  return async () => {
    await sql`drop trigger ${name} on ${sql.table(table)}`.execute(db);
    await sql`drop function ${name}()`.execute(db);
  };
}
