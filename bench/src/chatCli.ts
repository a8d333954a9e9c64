import type { EngineName } from "@easyqr/server/test-support";
import { chatHistory, defaultChatHistory } from "./chatHistory.ts";
import { historyCompare } from "./historyCompare.ts";
import { chatIdle, defaultChatIdle } from "./chatIdle.ts";
import { clusterIdle, defaultClusterIdle } from "./clusterIdle.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { chatCompare, compareWithSaved } from "./chatCompare.ts";
import { chatLoad, defaultChatLoad, type ChatLoadOptions } from "./chatLoad.ts";
import { root } from "./processes.ts";
import { table } from "./stats.ts";

type Flags = Record<string, string | undefined>;

export const chatUsage = `chat scenarios:
  chat            all of the below, on SQLite and PostgreSQL (idle sockets on SQLite)
  chat-load       --engine=sqlite|postgres|both --users=1000 --rates=2000,5000,10000,20000 --step-s=10 --drain-s=5 --warmup-s=3 --workers=1 --window=32
                  --baseline=DIR [--rounds=1]: also runs another checkout's server (DIR, with its node_modules), in turn with this one, and prints both and their ratio
                  --compare=FILE: prints this run against a saved one (each run saves bench/results/chat-load-<engine>.json)
                  --nodes=N: N server processes in cluster mode (PostgreSQL + Redis at REDIS_URL, default redis://127.0.0.1:6379), each pair across two nodes
  chat-history    --engine=… --messages=1000000 --requests=10000 --rate=2000 (HTTP requests a second offered)
                  [--baseline=DIR --rounds=4: another checkout's server beside this one, loaded in turn]
  chat-idle       --engine=… --sockets=10000 --processes=4 [--baseline=DIR: another checkout's server first, in the same run]
                  --nodes=3 [--sockets=38000 --chat-rate=1000]: a cluster on PostgreSQL and Redis (REDIS_URL, default redis://127.0.0.1:6379), each node its own process
PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); each run uses a fresh schema and drops it.`;

function engines(flags: Flags, fallback: string): EngineName[] {
  const value = flags.engine ?? fallback;
  if (value === "both") return ["sqlite", "postgres"];
  if (value === "sqlite" || value === "postgres") return [value];
  throw new Error(`--engine is sqlite, postgres or both, not ${value}`);
}

function num(flags: Flags, key: string, fallback: number): number {
  const value = flags[key];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} must be a positive number`);
  return n;
}

async function load(flags: Flags, fallbackEngine = "both"): Promise<string> {
  const d = defaultChatLoad;
  const parts = ["## chat: SEND → ACK (after commit) and → MESSAGE at the peer, offered rates stepping up", ""];
  for (const engine of engines(flags, fallbackEngine)) {
    const options: ChatLoadOptions = {
      engine,
      users: num(flags, "users", d.users),
      rates: flags.rates ? flags.rates.split(",").map(Number) : d.rates,
      stepMs: num(flags, "step-s", d.stepMs / 1000) * 1000,
      drainMs: num(flags, "drain-s", d.drainMs / 1000) * 1000,
      workers: num(flags, "workers", d.workers),
      window: num(flags, "window", d.window),
      warmup: { rate: d.warmup.rate, ms: num(flags, "warmup-s", d.warmup.ms / 1000) * 1000 },
      nodes: num(flags, "nodes", d.nodes),
    };
    const result = flags.baseline ? await chatCompare(options, flags.baseline, num(flags, "rounds", 1)) : await chatLoad(options);
    parts.push(result.report, "");
    if (flags.compare) parts.push(compareWithSaved(result.steps, flags.compare), "");
    mkdirSync(join(root, "bench", "results"), { recursive: true });
    writeFileSync(join(root, "bench", "results", `chat-load-${engine}.json`), `${JSON.stringify(result.steps, null, 2)}\n`);
  }
  parts.push("Targets (SQLite, this 2-core machine): ≥ 10,000 delivered msgs/s with send→receive p99 ≤ 50 ms.");
  return parts.join("\n");
}

async function history(flags: Flags, fallbackEngine = "both"): Promise<string> {
  const parts = ["## chat history: newest page (50 messages)", ""];
  for (const engine of engines(flags, fallbackEngine)) {
    const o = {
      engine,
      messages: num(flags, "messages", defaultChatHistory.messages),
      requests: num(flags, "requests", defaultChatHistory.requests),
      rate: num(flags, "rate", defaultChatHistory.rate),
    };
    parts.push(flags.baseline ? await historyCompare({ ...o, baseline: flags.baseline, rounds: num(flags, "rounds", 4) }) : await chatHistory(o), "");
  }
  parts.push("Target (SQLite): p99 ≤ 2 ms.");
  return parts.join("\n");
}

async function idle(flags: Flags, fallbackEngine = "sqlite"): Promise<string> {
  const parts = ["## chat: memory per idle signed-in socket", ""];
  if (flags.nodes) {
    const d = defaultClusterIdle;
    parts.push(
      await clusterIdle({
        ...d,
        nodes: num(flags, "nodes", 3),
        sockets: num(flags, "sockets", 38_000),
        processes: num(flags, "processes", 4),
        chatRate: num(flags, "chat-rate", d.chatRate),
        redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      }),
    );
    return parts.join("\n");
  }
  const d = defaultChatIdle;
  const rows = [];
  for (const engine of engines(flags, fallbackEngine)) {
    const options = { engine, sockets: num(flags, "sockets", d.sockets), processes: num(flags, "processes", d.processes), settleMs: d.settleMs };
    // With --baseline, the other build first and this one right after it, under the same load.
    if (flags.baseline) rows.push(await chatIdle({ ...options, serverRoot: flags.baseline }));
    rows.push(await chatIdle(options));
  }
  parts.push(
    `### idle signed-in sockets (${num(flags, "processes", d.processes)} client processes on core 1, server on core 0; each reading ${d.settleMs / 1000} s after the last connect and a full GC; load average ${loadavg()[0]!.toFixed(1)} at the end)`,
    "",
    table(rows),
    "",
  );
  parts.push("Target (issue 18): ≤ 6 KB per idle signed-in socket (bare `ws` is ~6 KB here).");
  return parts.join("\n");
}

export const chatScenarios: Record<string, (flags: Flags) => Promise<string>> = {
  async chat(flags) {
    return [await load(flags), await history(flags), await idle(flags, "sqlite")].join("\n\n");
  },
  "chat-load": (flags) => load(flags),
  "chat-history": (flags) => history(flags),
  "chat-idle": (flags) => idle(flags),
};
