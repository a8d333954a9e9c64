import type { Logger } from "pino";

/**
 * Runs `job` every `everyMs` (`atStart`: also once right away), never two runs at once; a failure
 * is logged and the next run comes as usual. What a job does depends only on the server's Clock,
 * so tests call the job itself (with a ManualClock) instead of waiting for the timer. Returns the
 * function that stops it.
 */
export function every(everyMs: number, name: string, job: () => Promise<unknown>, log: Logger, options: { atStart?: boolean } = {}): () => void {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    job()
      .catch((error: unknown) => log.error({ err: error }, `${name} failed`))
      .finally(() => (running = false));
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  if (options.atStart) run();
  return () => clearInterval(timer);
}
