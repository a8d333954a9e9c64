// Times the chat service's newest-page call with no HTTP around it: the app is built in this
// process (pinned to the server's core while the server idles) on the bench's database.
import { parseArgs } from "node:util";
import { buildApp } from "@easyqr/server/src/app.ts";
import { loadConfig } from "@easyqr/server/src/config.ts";
import { percentile } from "./stats.ts";

const { values } = parseArgs({
  options: {
    env: { type: "string" },
    user: { type: "string" },
    chat: { type: "string" },
    count: { type: "string", default: "2000" },
    limit: { type: "string", default: "50" },
    warmup: { type: "string", default: "200" },
  },
});
const config = loadConfig({ LOG_LEVEL: "silent", PORT: "0", HOST: "127.0.0.1", ...(JSON.parse(values.env ?? "{}") as Record<string, string>) });
const app = await buildApp({ config, tickMs: 0 });
const user = values.user ?? "";
const chat = values.chat ?? "";
const query = { limit: Number(values.limit) };

for (let i = 0; i < Number(values.warmup); i++) await app.chat.history(user, chat, query);
const latencies: number[] = [];
let last = await app.chat.history(user, chat, query);
const cpuBefore = process.cpuUsage();
for (let i = 0; i < Number(values.count); i++) {
  const started = performance.now();
  last = await app.chat.history(user, chat, query);
  latencies.push(performance.now() - started);
}
const cpu = process.cpuUsage(cpuBefore);
await app.close();
console.log(
  JSON.stringify({
    count: latencies.length,
    messages: last.messages.length,
    newestSeq: last.messages.at(-1)?.seq ?? null,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }),
);
