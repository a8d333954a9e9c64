import { readFileSync } from "node:fs";
import type { LoopReading } from "./loopProbe.ts";

/** The server's event-loop delay since the previous reading (see loopProbe.ts). */
export async function readLoop(pid: number, file: string, previousSeq: number): Promise<LoopReading> {
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      const reading = JSON.parse(readFileSync(file, "utf8")) as LoopReading;
      if (reading.seq > previousSeq) return reading;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error("the server's loop probe did not answer");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
