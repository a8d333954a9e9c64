// `npm run bench -- <scenario> [--flags]`: runs a scenario against a real server process and prints a table.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chatScenarios, chatUsage } from "./chatCli.ts";
import { defaultGroupBench, groupBench } from "./groupBench.ts";
import { defaultHostile, hostileBench } from "./hostileBench.ts";
import { linkBench } from "./linkBench.ts";
import { walSyncBench } from "./walSyncBench.ts";
import { defaultSearchBench, searchBench } from "./searchBench.ts";
import { cpuSeconds, root, rssBytes, runLoad, startServer } from "./processes.ts";
import { formatMs, table } from "./stats.ts";

type PairingResult = {
  count: number;
  ok: number;
  errors: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
  durationMs: number;
  pairingsPerSec: number;
  loadCpuSeconds: number;
};

type Flags = Record<string, string | undefined>;

const scenarios: Record<string, (flags: Flags) => Promise<string>> = {
  ...chatScenarios,
  link: linkBench,
  "wal-sync": () => walSyncBench(),
  group: (flags) =>
    groupBench({
      engine: flags.engine === "postgres" ? "postgres" : "sqlite",
      users: Number(flags.users ?? defaultGroupBench.users),
      messages: Number(flags.messages ?? defaultGroupBench.messages),
      window: Number(flags.window ?? defaultGroupBench.window),
      workers: Number(flags.workers ?? defaultGroupBench.workers),
      ...(flags.baseline ? { baseline: flags.baseline } : {}),
    }),
  async search(flags) {
    const parts = ["## search: GET /api/search/messages, first page (20 hits), newest first", ""];
    const engines = flags.engine === "both" ? (["sqlite", "postgres"] as const) : flags.engine === "postgres" ? (["postgres"] as const) : (["sqlite"] as const);
    for (const engine of engines) {
      parts.push(
        await searchBench({
          engine,
          messages: Number(flags.messages ?? defaultSearchBench.messages),
          users: Number(flags.users ?? defaultSearchBench.users),
          requests: Number(flags.requests ?? defaultSearchBench.requests),
        }),
        "",
      );
    }
    return parts.join("\n");
  },
  hostile: (flags) =>
    hostileBench({
      ...defaultHostile,
      ...(flags.users ? { honestUsers: Number(flags.users) } : {}),
      ...(flags.rates ? { rate: Number(flags.rates) } : {}),
      ...(flags["step-s"] ? { stepMs: Number(flags["step-s"]) * 1000 } : {}),
    }),
  async pairing() {
    const rows: Record<string, string | number>[] = [];
    const steps = [
      { label: "1,000 at once", count: 1000, rate: 0 },
      { label: "1,000 at 200/s", count: 1000, rate: 200 },
      { label: "1,000 at 500/s", count: 1000, rate: 500 },
    ];
    for (const step of steps) {
      const server = await startServer();
      const pid = server.child.pid ?? 0;
      const cpuBefore = cpuSeconds(pid);
      let peakRss = rssBytes(pid);
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pid))), 50);
      const result = await runLoad<PairingResult>("bench/src/pairingLoad.ts", [
        "--url",
        server.url,
        "--count",
        String(step.count),
        "--rate",
        String(step.rate),
      ]);
      clearInterval(sampler);
      const serverCpu = cpuSeconds(pid) - cpuBefore;
      await server.stop();
      rows.push({
        run: step.label,
        paired: `${result.ok}/${result.count}`,
        "p50 ms": formatMs(result.p50),
        "p99 ms": formatMs(result.p99),
        "max ms": formatMs(result.max),
        "pairings/s": result.pairingsPerSec.toFixed(0),
        "server CPU s": serverCpu.toFixed(2),
        "server peak RSS MB": (peakRss / 2 ** 20).toFixed(1),
        "load gen CPU s": result.loadCpuSeconds.toFixed(2),
        errors:
          Object.entries(result.errors)
            .map(([k, v]) => `${k}×${v}`)
            .join(", ") || "none",
      });
    }
    return [
      "## pairing: create-session → desktop notified CONNECTED (server on core 0, load generator on core 1, loopback)",
      "",
      table(rows),
      "",
      "Target: p99 < 150 ms.",
    ].join("\n");
  },
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: Object.fromEntries(
    [
      "engine",
      "users",
      "rates",
      "step-s",
      "drain-s",
      "warmup-s",
      "workers",
      "window",
      "messages",
      "requests",
      "sockets",
      "processes",
      "links",
      "baseline",
      "rounds",
      "compare",
      "nodes",
    ].map((k) => [k, { type: "string" }]),
  ),
});
const name = positionals[0] ?? "";
const scenario = scenarios[name];
if (!scenario) {
  console.error(`usage: npm run bench -- <${Object.keys(scenarios).join("|")}> [flags]\n${chatUsage}`);
  process.exit(2);
}
const report = await scenario(values);
const dir = join(root, "bench", "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${name}.md`), `${report}\n`);
console.log(report);
