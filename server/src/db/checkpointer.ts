import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * Copies the SQLite WAL back into the database file from a worker thread with its own connection.
 * Left to the writer (`wal_autocheckpoint`), a checkpoint runs inside a commit on the event loop and
 * stalls every socket for its copy and fsync (~200 ms at 80 MB of WAL: the send path's p99). A
 * PASSIVE checkpoint never blocks the writer; the writer's own autocheckpoint stays as a backstop.
 */
export type Checkpointer = { stop(): Promise<void> };

const source = `
const { parentPort, workerData } = require("node:worker_threads");
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma("busy_timeout = 5000");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); process.exit(0); });
`;

export function startCheckpointer(file: string, everyMs: number, onError: (message: string) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(source, { eval: true, workerData: { driver, file, everyMs } });
  worker.on("message", (message: string) => onError(message));
  worker.on("error", (error) => onError(String(error)));
  worker.unref();
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once("exit", () => resolve());
        worker.ref();
        worker.postMessage("stop");
      }),
  };
}
