import type { Logger } from "pino";
import { unreachableStore } from "./errors.ts";

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
      .catch((error: unknown) => jobFailed(log, name, error))
      .finally(() => (running = false));
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  if (options.atStart) run();
  return () => clearInterval(timer);
}

/**
 * Logs a periodic job's failure. The database or Redis being away is logged once by the node (the
 * health watcher, the Redis connections); each job run meanwhile is a line at info level, without a
 * stack, rather than an error every tick.
 */
export function jobFailed(log: Logger, name: string, error: unknown): void {
  const store = unreachableStore(error);
  if (store) log.info(`${name} skipped: the ${store} is unavailable`);
  else log.error({ err: error }, `${name} failed`);
}
