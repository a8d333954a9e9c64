// What the load generators (pairingLoad, linkLoad) share: running the attempts, tallying failures,
// and the figures every run reports of itself.

/** Every load run's own report, beside its latencies. */
export type LoadRun = {
  count: number;
  ok: number;
  /** Failures, each under the first 60 characters of its message. */
  errors: Record<string, number>;
  durationMs: number;
  /** The load generator's CPU, to tell when it and not the server is the bottleneck. */
  loadCpuSeconds: number;
};

/**
 * Runs `attempt(i)` for each i below `count`: all at once, or started `perSecond` apart. Exits the
 * process if they are not all done `timeoutMs` after the last one started.
 */
export async function runAttempts(
  count: number,
  attempt: (i: number) => Promise<void>,
  options: { name: string; timeoutMs: number; perSecond?: number },
): Promise<LoadRun> {
  let ok = 0;
  const errors: Record<string, number> = {};
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  const runs: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = options.perSecond ? began + (i * 1000) / options.perSecond - performance.now() : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    runs.push(
      attempt(i).then(
        () => void ok++,
        (error: unknown) => {
          const key = error instanceof Error ? error.message.slice(0, 60) : "unknown";
          errors[key] = (errors[key] ?? 0) + 1;
        },
      ),
    );
  }
  const timeout = setTimeout(() => {
    console.error(`${options.name} load timed out`);
    process.exit(1);
  }, options.timeoutMs);
  await Promise.all(runs);
  clearTimeout(timeout);
  const durationMs = performance.now() - began;
  const cpu = process.cpuUsage(cpuBefore);
  return { count, ok, errors, durationMs, loadCpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
