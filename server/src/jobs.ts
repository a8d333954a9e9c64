import type { Logger } from "pino";

/**
 * Runs `job` every `everyMs`, never two runs at once; a failure is logged and the next run comes
 * as usual. What a job does depends only on the server's Clock, so tests call the job itself
 * (with a ManualClock) instead of waiting for the timer. Returns the function that stops it.
 */
export function every(everyMs: number, name: string, job: () => Promise<unknown>, log: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    job()
      .catch((error: unknown) => log.error({ err: error }, `${name} failed`))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
