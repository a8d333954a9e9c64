import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chatLoad, type ChatLoadOptions, type StepFigures } from "./chatLoad.ts";
import { formatMs, table } from "./stats.ts";

/**
 * `chat-load --baseline=DIR`: the same steps against this checkout's server and another's (a
 * baseline build, e.g. `git worktree add DIR main && (cd DIR && npm ci)`), `rounds` times in turn
 * (this, the baseline, this, …) in one run, so both meet the same machine. On a shared machine the
 * absolute figures drift with the neighbours' load; the ratios measured side by side are what to read.
 */
export async function chatCompare(o: ChatLoadOptions, baselineRoot: string, rounds: number): Promise<{ report: string; steps: StepFigures[] }> {
  if (!existsSync(join(baselineRoot, "server/src/main.ts"))) throw new Error(`--baseline: ${baselineRoot} holds no server/src/main.ts`);
  const runs: { current: StepFigures[][]; baseline: StepFigures[][] } = { current: [], baseline: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const build of ["current", "baseline"] as const) {
      console.error(`chat-load compare: round ${round}/${rounds}, ${build}`);
      const result = await chatLoad({ ...o, ...(build === "baseline" ? { serverRoot: baselineRoot } : {}) });
      runs[build].push(result.steps);
    }
  }
  const current = medians(runs.current);
  return {
    report: [
      `### ${o.engine}: this build against ${baselineRoot}, ${rounds} round${rounds > 1 ? "s" : ""} each, in turn (medians over the rounds)`,
      "",
      compareTable(current, medians(runs.baseline)),
    ].join("\n"),
    steps: current,
  };
}

/** `chat-load --compare=FILE`: this run's figures against a saved run's (`bench/results/chat-load-<engine>.json`). */
export function compareWithSaved(current: StepFigures[], file: string): string {
  const saved = JSON.parse(readFileSync(file, "utf8")) as StepFigures[];
  return [`### against ${file} (a saved run: the machine may have changed since)`, "", compareTable(current, saved)].join("\n");
}

/** Per offered rate: each build's figures and this one's over the baseline's. */
export function compareTable(current: StepFigures[], baseline: StepFigures[]): string {
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : "–");
  const both = (pick: (s: StepFigures) => number, show: (n: number) => string, a: StepFigures, b: StepFigures) =>
    `${show(pick(a))} / ${show(pick(b))} (${ratio(pick(a), pick(b))})`;
  const rows = current.flatMap((a) => {
    const b = baseline.find((s) => s.offered === a.offered);
    if (!b) return [];
    return [
      {
        "offered/s": a.offered,
        "delivered/s this / baseline": both(
          (s) => s.delivered,
          (n) => n.toFixed(0),
          a,
          b,
        ),
        "send→receive p50 ms": both((s) => s.p50, formatMs, a, b),
        "p99 ms": both((s) => s.p99, formatMs, a, b),
        "ack p99 ms": both((s) => s.ackP99, formatMs, a, b),
        "server CPU %": both(
          (s) => s.serverCpuPct,
          (n) => n.toFixed(0),
          a,
          b,
        ),
        "peak RSS MB": both(
          (s) => s.peakRssMb,
          (n) => n.toFixed(0),
          a,
          b,
        ),
      },
    ];
  });
  return rows.length > 0 ? table(rows) : "No offered rate ran in both.";
}

/** Per offered rate, the median of each figure over the runs that reached it. */
function medians(runs: StepFigures[][]): StepFigures[] {
  const rates = [...new Set(runs.flat().map((s) => s.offered))];
  return rates.map((offered) => {
    const steps = runs.flatMap((r) => r.filter((s) => s.offered === offered));
    const median = (pick: (s: StepFigures) => number) => {
      const sorted = steps.map(pick).sort((x, y) => x - y);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
    };
    return {
      offered,
      delivered: median((s) => s.delivered),
      p50: median((s) => s.p50),
      p99: median((s) => s.p99),
      ackP99: median((s) => s.ackP99),
      serverCpuPct: median((s) => s.serverCpuPct),
      peakRssMb: median((s) => s.peakRssMb),
    };
  });
}
