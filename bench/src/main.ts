// `npm run bench -- <scenario> [--flags]`: runs a scenario against a real server process and prints a table.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chatScenarios, chatUsage } from "./chatCli.ts";
import { defaultGroupBench, groupBench } from "./groupBench.ts";
import { defaultHostile, hostileBench } from "./hostileBench.ts";
import { linkBench } from "./linkBench.ts";
import { pairingBench } from "./pairingBench.ts";
import { walSyncBench } from "./walSyncBench.ts";
import { defaultSearchBench, searchBench } from "./searchBench.ts";
import { root } from "./processes.ts";

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
  pairing: pairingBench,
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: Object.fromEntries(
    [
      "engine",
      "users",
      "rates",
      "rate",
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
      "chat-rate",
      "via",
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
