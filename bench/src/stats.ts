/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export type Latencies = { p50: number; p99: number; max: number };

/** The median, the 99th percentile and the longest of unsorted samples. */
export function latencies(samples: readonly number[]): Latencies {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: percentile(samples, 100) };
}

export function formatMs(ms: number): string {
  return Number.isNaN(ms) ? "–" : ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

/** A Markdown table from rows of equal keys. */
export function table(rows: readonly Record<string, string | number>[]): string {
  const first = rows[0];
  if (!first) return "";
  const keys = Object.keys(first);
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(keys), line(keys.map(() => "---")), ...rows.map((r) => line(keys.map((k) => r[k] ?? "")))].join("\n");
}

type PageSeqs = { messages: { seq: number }[] };

/**
 * Times `fetchPage` one call at a time (after `warmup` untimed calls) and summarises: latency
 * percentiles in ms, this process's CPU, and what the last page held (proof it was the newest page;
 * `read` makes it readable, untimed: the service answers JSON text).
 */
export async function timePages<P>(
  fetchPage: () => Promise<P>,
  count: number,
  warmup: number,
  read: (page: P) => PageSeqs,
): Promise<{ count: number; messages: number; newestSeq: number | null; p50: number; p99: number; max: number; cpuSeconds: number }> {
  for (let i = 0; i < warmup; i++) await fetchPage();
  const latencies: number[] = [];
  let lastPage: P | undefined;
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    lastPage = await fetchPage();
    latencies.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const last = lastPage === undefined ? { messages: [] } : read(lastPage);
  return {
    count: latencies.length,
    messages: last.messages.length,
    newestSeq: last.messages.at(-1)?.seq ?? null,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}
