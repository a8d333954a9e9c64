import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * Copies the SQLite WAL back into the database file from a worker thread with its own connection.
 * Left to the writer (`wal_autocheckpoint`), a checkpoint runs inside a commit on the event loop and
 * stalls every socket for its copy and fsync. A PASSIVE checkpoint never blocks the writer.
 *
 * Two costs decide the schedule. Each checkpoint copies every page written since the last one, and
 * busy pages (a chat's newest index pages) are rewritten many times a second, so checkpoints every
 * second copy far less than frequent ones. But the WAL only starts over from its beginning when a
 * checkpoint has copied all of it and nothing was written since, which a steady stream of commits
 * never allows: past `restartBytes` the worker asks for a quiet moment (`hold`: the event loop takes
 * the database connection and sleeps while the worker copies what was written during its last pass,
 * asked for after a short pass so that this copy is short too).
 * The event loop sleeps rather than goes on serving sockets so that the worker, at a low priority,
 * has the core to itself: the moment lasts as long as that copy takes and no longer.
 */
export type Checkpointer = { stop(): Promise<void> };

export type CheckpointerOptions = {
  file: string;
  everyMs: number;
  restartBytes: number;
  /** Runs `work` (synchronous) while nothing else uses this process's database connection. */
  hold: (work: () => void) => Promise<void>;
  onError: (message: string) => void;
};

const source = `
const { parentPort, workerData } = require("node:worker_threads");
const SQLite = require(workerData.driver);
try { require("node:os").setPriority(Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop()), workerData.nice); } catch {}
const db = new SQLite(workerData.file);
db.pragma("busy_timeout = 5000");
const checkpoint = () => db.pragma("wal_checkpoint(PASSIVE)")[0];
const held = new Int32Array(workerData.held);
const frameBytes = db.pragma("page_size", { simple: true }) + 24;
let timer;
const next = () => { timer = setTimeout(run, workerData.everyMs); };
function run() {
  try {
    // Each pass copies what was written during the one before, so a few passes leave little to copy.
    let log = 0;
    let caughtUp = false;
    for (let pass = 0; pass < 5 && !caughtUp; pass++) {
      const began = performance.now();
      log = checkpoint().log;
      caughtUp = performance.now() - began < workerData.quietMs;
    }
    // While commits keep coming, a pass never ends fully copied: past restartBytes, once a pass was
    // short (the held one, copying what was written meanwhile, will be short too), ask for a
    // moment; past twice that, ask anyway.
    const walBytes = log * frameBytes;
    if (walBytes < workerData.restartBytes || (!caughtUp && walBytes < 2 * workerData.restartBytes)) return next();
    parentPort.postMessage({ type: "hold" });
  } catch (error) {
    parentPort.postMessage({ type: "error", message: String(error) });
    next();
  }
}
parentPort.on("message", (message) => {
  if (message === "held") {
    try { checkpoint(); } catch (error) { parentPort.postMessage({ type: "error", message: String(error) }); }
    Atomics.store(held, 0, 0);
    Atomics.notify(held, 0);
    return next();
  }
  clearTimeout(timer);
  db.close();
  process.exit(0);
});
next();
`;

/**
 * Background work, so below the event loop's priority (Linux, per thread): it mostly runs when the
 * event loop leaves the core idle, yet still gets about a tenth of a busy core, enough to keep up
 * with the writer (at the lowest priority it fell behind under full load).
 */
const NICE = 10;

/** A pass this short leaves so little behind that the last one, in a held moment, is brief too. */
const QUIET_PASS_MS = 5;

/** Longest the event loop sleeps for the worker (a slow disk or a stuck worker must not stop the server). */
const HOLD_LIMIT_MS = 100;

export function startCheckpointer(o: CheckpointerOptions): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  // The worker clears it when the held pass is done; the event loop sleeps on it meanwhile.
  const held = new Int32Array(new SharedArrayBuffer(4));
  const workerData = { driver, file: o.file, everyMs: o.everyMs, restartBytes: o.restartBytes, quietMs: QUIET_PASS_MS, nice: NICE, held: held.buffer };
  const worker = new Worker(source, { eval: true, workerData });
  let stopped = false;
  worker.on("message", (message: { type: "hold" | "error"; message?: string }) => {
    if (message.type === "error") return o.onError(message.message ?? "");
    if (stopped) return;
    void o.hold(() => {
      Atomics.store(held, 0, 1);
      worker.postMessage("held");
      Atomics.wait(held, 0, 1, HOLD_LIMIT_MS);
    });
  });
  worker.on("error", (error) => o.onError(String(error)));
  worker.unref();
  return {
    stop: () =>
      new Promise((resolve) => {
        stopped = true;
        worker.once("exit", () => resolve());
        worker.ref();
        worker.postMessage("stop");
      }),
  };
}
