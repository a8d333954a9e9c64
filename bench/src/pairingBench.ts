import { basename } from "node:path";
import { root, runLoad, startServer, watchProcess } from "./processes.ts";
import type { LoadRun } from "./loadRun.ts";
import { formatMs, table, type Latencies } from "./stats.ts";

type PairingResult = LoadRun & Latencies & { pairingsPerSec: number };

/** `--rates=0,200,500` (the default): 0 is "at once", the others pairings a second; 1,000 pairings each. */
function stepsOf(rates: string): { label: string; count: number; rate: number }[] {
  return rates.split(",").map((r) => {
    const rate = Number(r);
    return { label: rate > 0 ? `1,000 at ${rate}/s` : "1,000 at once", count: 1000, rate };
  });
}

/** One step against a fresh server process of the checkout at `serverRoot`. */
async function runStep(step: ReturnType<typeof stepsOf>[number], serverRoot: string, via: string) {
  const server = await startServer({}, [], serverRoot);
  const watched = await watchProcess(server.child.pid ?? 0, () =>
    runLoad<PairingResult>("bench/src/pairingLoad.ts", ["--url", server.url, "--count", String(step.count), "--rate", String(step.rate), "--via", via]),
  );
  await server.stop();
  return watched;
}

/**
 * `npm run bench -- pairing [--via=socket,http] [--baseline=DIR[=VIA],…] [--rates=0,200,500] [--rounds=N]`:
 * 1,000 pairings (the desktop's session made → both sides CONNECTED) at once and at fixed rates.
 * `--via`: how this build's desktops make their session, on their socket (`{create}`, the default)
 * or by POST /create-session; several, comma-separated, run in turn. With `--baseline`, other
 * checkouts' servers (each DIR with its node_modules) run each step in turn with this one, so all
 * see the same machine; each is driven `=VIA` (http by default: main before the socket way).
 */
export async function pairingBench(flags: Record<string, string | undefined>): Promise<string> {
  const ways = (list: string) => list.split(/[,+]/).filter((w) => w === "socket" || w === "http");
  const baselines = (flags.baseline ?? "").split(",").filter(Boolean);
  const builds = [
    ...ways(flags.via ?? "socket").map((via) => ({ name: "this", root, via })),
    ...baselines.flatMap((entry) => {
      const [dir = "", via = "http"] = entry.split("=");
      return ways(via).map((way) => ({ name: baselines.length > 1 ? basename(dir) : "baseline", root: dir, via: way }));
    }),
  ];
  const rounds = Math.max(1, Number(flags.rounds ?? 1));
  const rows: Record<string, string | number>[] = [];
  for (const step of stepsOf(flags.rates ?? "0,200,500")) {
    for (let round = 1; round <= rounds; round++) {
      for (const build of builds) {
        const { result, cpuSeconds: serverCpu, peakRss } = await runStep(step, build.root, build.via);
        rows.push({
          run: step.label,
          ...(builds.length > 1 ? { build: build.name } : {}),
          via: build.via,
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
    "## pairing: the desktop's session made → both sides CONNECTED (server on core 0, load generator on core 1, loopback)",
    "",
    table(rows),
    "",
    "Target (issue 18): ≥ 1,000 pairings/s per core (≤ 1 ms of server CPU a pairing), p99 < 500 ms for 1,000 at once.",
  ].join("\n");
}
