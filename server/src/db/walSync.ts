import { open, type FileHandle } from "node:fs/promises";

/**
 * fdatasync of a SQLite database's WAL file on libuv's thread pool, so the event loop serves
 * sockets while the disk syncs. A commit made with `synchronous = NORMAL` has written its WAL
 * frames without waiting for the disk; once this resolves they are on it, which is all
 * `synchronous = FULL` adds in WAL mode (one sync of the WAL per commit), without blocking the loop.
 * The WAL stays one file while the database is open (it is removed only when the last connection
 * closes), so one handle serves for as long as the database does.
 */
export type WalSync = { sync(): Promise<void>; close(): Promise<void> };

export function walSync(databasePath: string): WalSync {
  let handle: Promise<FileHandle> | undefined;
  return {
    async sync() {
      handle ??= open(`${databasePath}-wal`, "r");
      try {
        await (await handle).datasync();
      } catch (error) {
        handle = undefined;
        throw error;
      }
    },
    async close() {
      const open = handle;
      handle = undefined;
      await (await open?.catch(() => undefined))?.close();
    },
  };
}
