import { root, runLoad, startServer, watchProcess } from "./processes.ts";
import type { LoadRun } from "./loadRun.ts";
import { formatMs, table, type Latencies } from "./stats.ts";

type PairingResult = LoadRun & Latencies & { pairingsPerSec: number };

const steps = [
  { label: "1,000 at once", count: 1000, rate: 0 },
  { label: "1,000 at 200/s", count: 1000, rate: 200 },
  { label: "1,000 at 500/s", count: 1000, rate: 500 },
];

/** One step against a fresh server process of the checkout at `serverRoot`. */
async function runStep(step: (typeof steps)[number], serverRoot: string) {
  const server = await startServer({}, [], serverRoot);
  const watched = await watchProcess(server.child.pid ?? 0, () =>
    runLoad<PairingResult>("bench/src/pairingLoad.ts", ["--url", server.url, "--count", String(step.count), "--rate", String(step.rate)]),
  );
  await server.stop();
  return watched;
}

/**
 * `npm run bench -- pairing [--baseline=DIR] [--rounds=N]`: 1,000 pairings (create-session → desktop
 * socket → phone socket → both CONNECTED) at once and at fixed rates. With `--baseline`, another
 * checkout's server (DIR, with its node_modules) runs each step in turn with this one, so both see
 * the same machine.
 */
export async function pairingBench(flags: Record<string, string | undefined>): Promise<string> {
  const builds = flags.baseline
    ? [
        { name: "this", root },
        { name: "baseline", root: flags.baseline },
      ]
    : [{ name: "this", root }];
  const rounds = Math.max(1, Number(flags.rounds ?? 1));
  const rows: Record<string, string | number>[] = [];
  for (const step of steps) {
    for (let round = 1; round <= rounds; round++) {
      for (const build of builds) {
        const { result, cpuSeconds: serverCpu, peakRss } = await runStep(step, build.root);
        rows.push({
          run: step.label,
          ...(builds.length > 1 ? { build: build.name } : {}),
          paired: `${result.ok}/${result.count}`,
          "p50 ms": formatMs(result.p50),
          "p99 ms": formatMs(result.p99),
          "max ms": formatMs(result.max),
          "pairings/s": result.pairingsPerSec.toFixed(0),
          "server CPU s": serverCpu.toFixed(2),
          "server CPU ms a pairing": ((serverCpu * 1000) / Math.max(1, result.ok)).toFixed(2),
          "server peak RSS MB": (peakRss / 2 ** 20).toFixed(1),
          "load gen CPU s": result.loadCpuSeconds.toFixed(2),
          errors:
            Object.entries(result.errors)
              .map(([k, v]) => `${k}×${v}`)
              .join(", ") || "none",
        });
      }
    }
  }
  return [
    "## pairing: create-session → desktop notified CONNECTED (server on core 0, load generator on core 1, loopback)",
    "",
    table(rows),
    "",
    "Target (issue 18): ≥ 1,000 pairings/s per core (≤ 1 ms of server CPU a pairing), p99 < 500 ms for 1,000 at once.",
  ].join("\n");
}
