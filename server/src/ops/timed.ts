/**
 * How long `check` took to answer yes, in milliseconds; undefined when it answered no, threw, or took
 * longer than `timeoutMs` (a database that hangs rather than refuses must not hang /health).
 */
export async function timed(check: () => Promise<boolean>, timeoutMs: number): Promise<number | undefined> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    const ok = await Promise.race([check().catch(() => false), late]);
    return ok ? performance.now() - startedAt : undefined;
  } finally {
    clearTimeout(timer);
  }
}
