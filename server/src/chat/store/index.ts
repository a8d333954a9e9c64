import type { Database } from "../../db/database.ts";
import { postgresChatStore } from "./postgres.ts";
import { sqliteChatStore } from "./sqlite.ts";
import type { ChatStore } from "./store.ts";

export type { ChatStatements, ChatStore } from "./store.ts";

/** The chat store of the database's engine. On SQLite it runs on Kysely's own connection, under its lock. */
export function openChatStore(database: Database): ChatStore {
  const { raw } = database;
  if (raw.engine === "postgres") return postgresChatStore(raw.pool, () => raw.search.soon());
  const locked = <T>(work: () => Promise<T>): Promise<T> => database.db.connection().execute(work);
  return sqliteChatStore(
    raw.file,
    locked,
    () => raw.wal.sync(),
    () => raw.search.soon(),
  );
}
