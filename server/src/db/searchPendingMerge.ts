import type pg from "pg";
import { databaseUnreachable } from "./errors.ts";

/**
 * PostgreSQL's message search index (migration 0015) is GIN with `fastupdate`: an insert adds its
 * entries to the index's pending list, and the insert that finds the list past
 * `gin_pending_list_limit` (4 MB) merges all of it into the index inside its own statement. On the
 * send path that was one batch in a few hundred stalling for 160–290 ms while the chats it locked
 * waited (chat-load's p99 at 5,000 msgs/s). Merged here instead, a moment after writes, on a pool
 * connection of its own: the list stays far below the limit, and an insert that does find it full
 * while a merge runs leaves the merge to it rather than waiting. Searches read the pending list
 * too, so nothing waits for this to be found.
 */
export type SearchPendingMerge = { soon(): void; stop(): Promise<void> };

/** Long enough that a busy node merges a few hundred milliseconds' messages at a time. */
const DELAY_MS = 200;

export function searchPendingMerge(pool: pg.Pool, onError: (message: string) => void): SearchPendingMerge {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const merge = async () => {
    timer = undefined;
    try {
      await pool.query("select gin_clean_pending_list('messages_chat_search'::regclass)");
    } catch (error) {
      // The database away is reported by the node's health watcher; the inserts merge meanwhile.
      if (!databaseUnreachable(error)) onError(error instanceof Error ? error.message : String(error));
    }
  };
  return {
    soon() {
      if (stopped || timer) return;
      timer = setTimeout(() => (running = merge()), DELAY_MS);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
