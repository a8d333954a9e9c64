import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { openChatStore } from "../src/chat/store/index.ts";
import { sqliteChatStore } from "../src/chat/store/sqlite.ts";
import { loadConfig } from "../src/config.ts";
import { openDatabase, type Database } from "../src/db/database.ts";
import { newUserRow } from "../src/users/rows.ts";
import { freshStore, type Store } from "./support/store.ts";

// Acked means on disk (issue 18): on SQLite a chat write commits without waiting for the disk and
// then syncs the WAL off the event loop; it returns (and its sends are answered) only after that.
// PostgreSQL commits durably by itself (synchronous_commit on), so this is SQLite's alone.

const now = Date.now();
let place: Store;
let database: Database;

async function pairOfUsers(): Promise<[string, string]> {
  const ids = [randomUUID(), randomUUID()].sort() as [string, string];
  for (const id of ids) {
    await database.db.insertInto("users").values(newUserRow({ id }, now)).execute();
  }
  await database.db.insertInto("connections").values({ userLow: ids[0], userHigh: ids[1], createdAt: now }).execute();
  return ids;
}

const synchronous = () => (database.raw.engine === "sqlite" ? database.raw.file.pragma("synchronous", { simple: true }) : undefined);

describe("SQLite chat writes are synced to disk before they return", { skip: Boolean(process.env.DATABASE_URL) }, () => {
  before(async () => {
    place = freshStore("sqlite");
    database = await openDatabase(loadConfig({ LOG_LEVEL: "silent", ...place.env }));
  });
  after(async () => {
    await database.close();
    await place.drop();
  });

  test("a write waits for its WAL sync, which comes after the commit; the connection stays FULL for everyone else", async () => {
    assert.equal(database.raw.engine, "sqlite");
    if (database.raw.engine !== "sqlite") return;
    const syncs: (() => void)[] = [];
    const store = sqliteChatStore(
      database.raw.file,
      (work) => database.db.connection().execute(work),
      () => new Promise<void>((resolve) => syncs.push(resolve)),
      () => undefined,
    );
    const [low, high] = await pairOfUsers();
    const chatId = randomUUID();
    let returned = false;
    const writing = store
      .write((tx) => tx.createChat({ id: chatId, userLow: low, userHigh: high, createdAt: now }))
      .then((created) => {
        returned = true;
        return created;
      });
    while (syncs.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // The sync was asked for after the commit: the chat is there for any reader, the write not yet returned.
    const row = await database.db.selectFrom("chats").select("id").where("id", "=", chatId).executeTakeFirst();
    assert.equal(row?.id, chatId);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(returned, false, "the write returned before its WAL was synced");
    assert.equal(synchronous(), 2, "the connection is back to FULL for Kysely's writes");
    syncs[0]?.();
    assert.equal(await writing, true);
  });

  test("the real WAL sync: the app's chat store writes, syncs and returns", async () => {
    const store = openChatStore(database);
    const [low, high] = await pairOfUsers();
    assert.equal(await store.write((tx) => tx.createChat({ id: randomUUID(), userLow: low, userHigh: high, createdAt: now })), true);
    assert.equal(synchronous(), 2);
  });
});
