// Times the chat service's newest-page call (its answer's JSON text included) with no HTTP around it: the app is built in this
// process (pinned to the server's core while the server idles) on the bench's database.
import { parseArgs } from "node:util";
import { buildApp } from "@easyqr/server/app";
import { loadConfig } from "@easyqr/server/config";
import { timePages } from "./stats.ts";

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

const summary = await timePages(
  () => app.chat.history(user, chat, query),
  Number(values.count),
  Number(values.warmup),
  (page) => JSON.parse(page.text) as { messages: { seq: number }[] },
);
await app.close();
console.log(JSON.stringify(summary));
