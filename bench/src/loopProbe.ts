// Preloaded into the bench's server process (`node --import`): on SIGUSR2 it writes how long the
// event loop was held up since the previous signal to BENCH_LOOP_FILE (and the RSS after a full
// collection), then starts over. The server itself knows nothing of it.
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

/** The probe's timer: a reading can exceed the longest stall by up to this much. */
const RESOLUTION_MS = 5;
const file = process.env.BENCH_LOOP_FILE;
if (file) {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let seq = 0;
  process.on("SIGUSR2", () => {
    const held = { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, meanMs: delay.mean / 1e6 };
    // With --expose-gc, also what memory stays in use once garbage is collected. The collection
    // holds the loop up too: start over only after the probe's next tick has recorded that.
    (globalThis as { gc?: () => void }).gc?.();
    const rssAfterGcBytes = process.memoryUsage.rss();
    setTimeout(() => {
      delay.reset();
      const reading: LoopReading = { seq: ++seq, ...held, rssAfterGcBytes };
      writeFileSync(file, JSON.stringify(reading));
    }, 2 * RESOLUTION_MS);
  });
}

export type LoopReading = { seq: number; maxMs: number; p99Ms: number; meanMs: number; rssAfterGcBytes: number };
