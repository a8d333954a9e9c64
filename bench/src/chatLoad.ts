// `npm run bench -- chat-load`: 1,000 signed-in users in 500 connected pairs send to each other at
// offered rates that step up; the server runs as its own process on core 0, the load generators
// on core 1. Users, sessions and connections are seeded into the database before the server
// starts; everything measured goes through the real socket protocol.
import type { EngineName } from "@easyqr/server/test-support";
import type { StepResult, WorkerUser } from "./chatMessages.ts";
import { openChats, sourceIps, withServer } from "./chatServer.ts";
import { cpuSeconds as processCpuSeconds, rssBytes as processRssBytes } from "./processes.ts";
import { formatMs, percentile, table } from "./stats.ts";
import { startWorker } from "./workers.ts";

export type ChatLoadOptions = {
  engine: EngineName;
  users: number;
  /** Offered msgs/s, one step each. */
  rates: number[];
  stepMs: number;
  drainMs: number;
  workers: number;
  /** SENDs a user may have without ACK before the generator skips it. */
  window: number;
  /** An unmeasured step first, so the server's code is compiled and its caches warm when measuring starts. */
  warmup: { rate: number; ms: number };
  /** Another checkout's server (`--baseline`); this one by default. */
  serverRoot?: string;
  /**
   * Server processes (`--nodes`): over 1, cluster mode over PostgreSQL and Redis, each pair's two
   * users on different nodes (every message crosses Redis), node k on core k mod 2 and the load
   * generators where the scheduler puts them; CPU and RSS are summed over the nodes.
   */
  nodes: number;
};

/** One step's figures as numbers, for comparing two runs (chatCompare.ts). */
export type StepFigures = { offered: number; delivered: number; p50: number; p99: number; ackP99: number; serverCpuPct: number; peakRssMb: number };

export type ChatLoadResult = { report: string; steps: StepFigures[] };

export const defaultChatLoad: Omit<ChatLoadOptions, "engine"> = {
  users: 1000,
  rates: [2000, 5000, 10_000, 20_000],
  stepMs: 10_000,
  drainMs: 5_000,
  workers: 1,
  window: 32,
  warmup: { rate: 2000, ms: 3000 },
  nodes: 1,
};

export async function chatLoad(o: ChatLoadOptions): Promise<ChatLoadResult> {
  const rows: Record<string, string | number>[] = [];
  const steps: StepFigures[] = [];
  let skipped: number[] = [];
  await withServer(
    o.engine,
    o.users,
    async ({ server, servers, users, store }) => {
      const chatIds = await openChats(server.url, users);
      const pids = servers.map((s) => s.child.pid ?? 0);
      const cpuSeconds = () => pids.reduce((n, pid) => n + processCpuSeconds(pid), 0);
      const rssBytes = () => pids.reduce((n, pid) => n + processRssBytes(pid), 0);
      // Pair p's users on nodes p and p + 1 (mod the nodes): with two or more, every message goes from one node to another.
      const urlOf = (i: number) => servers[(Math.floor(i / 2) + (i % 2)) % servers.length]!.url;
      const workerUsers: WorkerUser[] = users.map((u, i) => ({ id: u.id, accessToken: u.accessToken, chatId: chatIds[Math.floor(i / 2)], url: urlOf(i) }));
      const workers = Array.from({ length: o.workers }, () => startWorker("bench/src/chatWorker.ts", o.nodes > 1 ? undefined : 1));
      try {
        // Whole pairs per worker, so a message's sender and recipient share a clock.
        const pairs = Math.floor(workerUsers.length / 2);
        await Promise.all(
          workers.map((w, k) => {
            const from = Math.floor((pairs * k) / o.workers) * 2;
            const to = Math.floor((pairs * (k + 1)) / o.workers) * 2;
            return w.ask({ type: "init", url: server.url, users: workerUsers.slice(from, to), sourceIps: sourceIps(16) }, "ready", 120_000);
          }),
        );
        const idleRss = rssBytes();
        await Promise.all(
          workers.map((w) =>
            w.ask(
              { type: "step", rate: o.warmup.rate / o.workers, durationMs: o.warmup.ms, drainMs: o.drainMs, window: o.window },
              "result",
              o.warmup.ms + o.drainMs + 30_000,
            ),
          ),
        );
        for (const rate of o.rates) {
          const cpuBefore = cpuSeconds();
          const databaseBefore = await backendCpu(store.backends);
          const began = performance.now();
          let peakRss = rssBytes();
          const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes())), 100);
          const results = await Promise.all(
            workers.map((w) =>
              w.ask(
                { type: "step", rate: rate / o.workers, durationMs: o.stepMs, drainMs: o.drainMs, window: o.window },
                "result",
                o.stepMs + o.drainMs + 30_000,
              ),
            ),
          );
          clearInterval(sampler);
          const wallS = (performance.now() - began) / 1000;
          const stepResults = results.map((r) => r.result);
          const serverCpu = cpuSeconds() - cpuBefore;
          const databaseCpu = sumCpuSince(databaseBefore, await backendCpu(store.backends));
          rows.push(row(o, rate, stepResults, serverCpu, wallS, peakRss, idleRss, databaseCpu));
          steps.push(figures(o, rate, stepResults, serverCpu / wallS, peakRss));
          console.error(`chat ${o.engine} ${rate}/s: ${JSON.stringify(rows.at(-1))}`);
          // Past saturation a higher rate only measures the backlog (and takes the drain time each step).
          const behind = stepResults.reduce((n, r) => n + r.unacked + r.undelivered, 0);
          const sent = stepResults.reduce((n, r) => n + r.sent, 0);
          if (behind > sent / 100) {
            skipped = o.rates.filter((r) => r > rate);
            break;
          }
        }
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    },
    { nodes: o.nodes, ...(o.serverRoot ? { serverRoot: o.serverRoot } : {}) },
  );
  const report = [
    `### ${o.engine}: ${o.users} users in ${o.users / 2} pairs, ${o.stepMs / 1000} s per step after ${o.warmup.ms / 1000} s unmeasured at ${o.warmup.rate}/s, ${o.workers} load process${o.workers > 1 ? "es" : ""} ${placement(o.nodes)}`,
    "",
    table(rows),
    ...(skipped.length > 0
      ? [
          "",
          `Saturated: over 1% of the last step's messages were still unacknowledged or undelivered ${o.drainMs / 1000} s after it; ${skipped.join(", ")}/s not run.`,
        ]
      : []),
  ].join("\n");
  return { report, steps };
}

/** CPU seconds of each database backend serving the bench (PostgreSQL; none on SQLite), by process id. */
async function backendCpu(backends: () => Promise<number[]>): Promise<Map<number, number>> {
  const cpu = new Map<number, number>();
  for (const pid of await backends()) {
    try {
      cpu.set(pid, processCpuSeconds(pid));
    } catch {
      // ended meanwhile
    }
  }
  return cpu;
}

/** What the backends used between two readings (one that came meanwhile, all of its); undefined without backends. */
function sumCpuSince(before: Map<number, number>, after: Map<number, number>): number | undefined {
  if (after.size === 0) return undefined;
  let sum = 0;
  for (const [pid, cpu] of after) sum += cpu - (before.get(pid) ?? 0);
  return sum;
}

function placement(nodes: number): string {
  if (nodes === 1) return "(server on core 0, load on core 1)";
  return `(${nodes} nodes over Redis, node k on core k mod 2, each pair's users on two nodes; load unpinned; CPU and RSS summed over the nodes)`;
}

function figures(o: ChatLoadOptions, rate: number, results: StepResult[], cpuShare: number, peakRss: number): StepFigures {
  const seconds = o.stepMs / 1000;
  return {
    offered: rate,
    delivered: results.reduce((n, r) => n + r.deliveredInWindow, 0) / seconds,
    p50: percentile(
      results.flatMap((r) => r.deliveryLatencies),
      50,
    ),
    p99: percentile(
      results.flatMap((r) => r.deliveryLatencies),
      99,
    ),
    ackP99: percentile(
      results.flatMap((r) => r.ackLatencies),
      99,
    ),
    serverCpuPct: cpuShare * 100,
    peakRssMb: peakRss / 2 ** 20,
  };
}

function row(
  o: ChatLoadOptions,
  rate: number,
  results: StepResult[],
  serverCpu: number,
  wallS: number,
  peakRss: number,
  idleRss: number,
  databaseCpu: number | undefined,
): Record<string, string | number> {
  const sum = (pick: (r: StepResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const acks = results.flatMap((r) => r.ackLatencies);
  const deliveries = results.flatMap((r) => r.deliveryLatencies);
  const errors: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.ackErrors)) errors[code] = (errors[code] ?? 0) + n;
  const seconds = o.stepMs / 1000;
  const loadCpu = sum((r) => r.cpuSeconds);
  return {
    "offered/s": rate,
    "sent/s": Math.round(sum((r) => r.sent) / seconds),
    "delivered/s": Math.round(sum((r) => r.deliveredInWindow) / seconds),
    "ack p50 ms": formatMs(percentile(acks, 50)),
    "ack p99 ms": formatMs(percentile(acks, 99)),
    "send→receive p50 ms": formatMs(percentile(deliveries, 50)),
    "p99 ms": formatMs(percentile(deliveries, 99)),
    "max ms": formatMs(percentile(deliveries, 100)),
    "server CPU s (of a core)": `${serverCpu.toFixed(1)} (${Math.round((serverCpu / wallS) * 100)}%)`,
    ...(databaseCpu === undefined ? {} : { "PostgreSQL CPU s (its backends)": `${databaseCpu.toFixed(1)} (${Math.round((databaseCpu / wallS) * 100)}%)` }),
    "server RSS MB idle→peak": `${(idleRss / 2 ** 20).toFixed(0)}→${(peakRss / 2 ** 20).toFixed(0)}`,
    "load CPU s (of a core; kernel)": `${loadCpu.toFixed(1)} (${Math.round((loadCpu / wallS) * 100)}%; ${sum((r) => r.systemSeconds).toFixed(1)})`,
    "window full": sum((r) => r.windowFull),
    "unacked / undelivered": `${sum((r) => r.unacked)} / ${sum((r) => r.undelivered)}`,
    "ack errors":
      Object.entries(errors)
        .map(([k, v]) => `${k}×${v}`)
        .join(", ") || "none",
  };
}
