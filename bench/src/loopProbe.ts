// Preloaded into the bench's server process (`node --import`): on SIGUSR2 it writes how long the
// event loop was held up since the previous signal to BENCH_LOOP_FILE, then starts over. The server
// itself knows nothing of it.
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = process.env.BENCH_LOOP_FILE;
if (file) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let seq = 0;
  process.on("SIGUSR2", () => {
    const reading: LoopReading = { seq: ++seq, maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, meanMs: delay.mean / 1e6 };
    writeFileSync(file, JSON.stringify(reading));
    delay.reset();
  });
}

export type LoopReading = { seq: number; maxMs: number; p99Ms: number; meanMs: number };
