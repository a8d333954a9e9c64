import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { uniqueViolation } from "../src/db/errors.ts";
import { migrations } from "../src/db/migrate.ts";
import { newUserRow } from "../src/users/rows.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

const engine = process.env.DATABASE_URL ? "postgres" : "sqlite";

function user(fields: { email?: string; phone?: string; username?: string }) {
  return newUserRow({ ...fields, usernameKey: fields.username?.toLowerCase() ?? null }, Date.now());
}

async function insertError(fields: Parameters<typeof user>[0]): Promise<unknown> {
  try {
    await server.app.database.db.insertInto("users").values(user(fields)).execute();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe(`database (${engine})`, () => {
  test("runs on the engine DATABASE_URL selects, with every migration applied at start", async () => {
    assert.equal(server.app.database.engine, engine);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(server.app.database.db);
    assert.deepEqual(
      applied.rows.map((r) => r.name),
      Object.keys(migrations),
    );
  });

  test("email, phone and username are unique in the database itself", async () => {
    const db = server.app.database.db;
    await db
      .insertInto("users")
      .values(user({ email: "a@example.com", phone: "+442079460000", username: "alice" }))
      .execute();
    assert.equal(uniqueViolation(await insertError({ email: "a@example.com" })), "users.email");
    assert.equal(uniqueViolation(await insertError({ phone: "+442079460000" })), "users.phone");
    assert.equal(uniqueViolation(await insertError({ username: "ALICE" })), "users.username_key");
    // Many users without an email, phone or username are fine.
    assert.equal(await insertError({}), undefined);
    assert.equal(await insertError({}), undefined);
  });

  test("the database refuses a username key that is not the lower-cased username, and upper-case emails", async () => {
    const db = server.app.database.db;
    await assert.rejects(
      db
        .insertInto("users")
        .values({ ...user({ username: "bob" }), usernameKey: "BOB" })
        .execute(),
    );
    await assert.rejects(
      db
        .insertInto("users")
        .values(user({ email: "Bob@Example.com" }))
        .execute(),
    );
  });

  test("foreign keys are enforced", async () => {
    const db = server.app.database.db;
    const now = Date.now();
    await assert.rejects(
      db
        .insertInto("authSessions")
        .values({
          id: randomUUID(),
          userId: randomUUID(),
          createdAt: now,
          expiresAt: now,
          lastUsedAt: now,
          revokedAt: null,
          revokedReason: null,
          deviceName: null,
          devicePlatform: null,
        })
        .execute(),
    );
  });

  test("times round-trip as numbers, beyond 32 bits", async () => {
    const db = server.app.database.db;
    const row = user({});
    await db.insertInto("users").values(row).execute();
    const back = await db.selectFrom("users").select(["createdAt"]).where("id", "=", row.id).executeTakeFirstOrThrow();
    assert.equal(back.createdAt, row.createdAt);
    const count = await db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(typeof count.n, "number");
  });

  if (engine === "sqlite") {
    test("SQLite runs in WAL mode, with foreign keys on and synchronous=FULL (a commit is fsynced: acked survives a power cut)", async () => {
      const db = server.app.database.db;
      // Result keys come back camel-cased by the CamelCasePlugin.
      const pragma = async (name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)).rows[0] ?? {})[0];
      assert.equal(await pragma("journal_mode"), "wal");
      assert.equal(await pragma("foreign_keys"), 1);
      assert.equal(await pragma("synchronous"), 2, "FULL");
    });
  }
});
