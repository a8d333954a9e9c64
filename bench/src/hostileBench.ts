// `npm run bench -- hostile`: honest users chat at a steady rate while signed-in attackers send
// 10,000 frames at the 64 KB limit filled with hostile content. Compares the honest clients'
// latency, the server's event-loop delay and its memory with and without the attack, in one run.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StepResult, WorkerUser } from "./chatMessages.ts";
import { openChats, sourceIps, withServer } from "./chatServer.ts";
import type { HostileResult } from "./hostileLoad.ts";
import type { LoopReading } from "./loopProbe.ts";
import { readLoop } from "./loopReading.ts";
import { cpuSeconds, rssBytes, runLoad } from "./processes.ts";
import { formatMs, percentile, table } from "./stats.ts";
import { startWorker } from "./workers.ts";

export type HostileOptions = { honestUsers: number; attackers: number; rate: number; frames: number; stepMs: number };
export const defaultHostile: HostileOptions = { honestUsers: 1000, attackers: 20, rate: 2000, frames: 10_000, stepMs: 10_000 };

export async function hostileBench(o: HostileOptions): Promise<string> {
  const loopFile = join(tmpdir(), `easyqr-bench-loop-${process.pid}.json`);
  const rows: Record<string, string | number>[] = [];
  await withServer(
    "sqlite",
    o.honestUsers + o.attackers,
    async ({ server, users }) => {
      const pid = server.child.pid ?? 0;
      const honest = users.slice(0, o.honestUsers);
      const attackers = users.slice(o.honestUsers);
      const chatIds = await openChats(server.url, honest);
      const workerUsers: WorkerUser[] = honest.map((u, i) => ({ id: u.id, accessToken: u.accessToken, chatId: chatIds[Math.floor(i / 2)] }));
      const worker = startWorker("bench/src/chatWorker.ts");
      try {
        await worker.ask({ type: "init", url: server.url, users: workerUsers, sourceIps: sourceIps(16) }, "ready", 120_000);
        const chat = (durationMs: number) => worker.ask({ type: "step", rate: o.rate, durationMs, drainMs: 5_000, window: 32 }, "result", durationMs + 40_000);
        await chat(3_000); // warm-up, not measured
        let loop = await readLoop(pid, loopFile, 0);
        for (const run of ["baseline", "control", "attack"] as const) {
          const attacked = run !== "baseline";
          // The attacker's process starts and signs in before the measured time begins.
          const startAt = Date.now() + 5_000;
          const attack = attacked
            ? runLoad<HostileResult>(
                "bench/src/hostileLoad.ts",
                [
                  ...(run === "control" ? ["--sink"] : ["--url", server.url]),
                  "--tokens",
                  attackers.map((u) => u.accessToken).join(","),
                  "--frames",
                  String(o.frames),
                  "--duration-ms",
                  String(o.stepMs),
                  "--start-at",
                  String(startAt),
                ],
                1,
                true,
              )
            : Promise.resolve(undefined);
          if (attacked) await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
          const rssBefore = rssBytes(pid);
          let peakRss = rssBefore;
          const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pid))), 50);
          const cpuBefore = cpuSeconds(pid);
          const began = performance.now();
          loop = await readLoop(pid, loopFile, loop.seq);
          const retainedBefore = loop.rssAfterGcBytes;
          // CPU over the honest clients' step: the attacker's wait for late answers is not part of it.
          let cpu = 0;
          let wallS = 0;
          const honestRun = chat(o.stepMs).then((step) => {
            cpu = cpuSeconds(pid) - cpuBefore;
            wallS = (performance.now() - began) / 1000;
            return step;
          });
          const [honestStep, attackResult] = await Promise.all([honestRun, attack]);
          clearInterval(sampler);
          loop = await readLoop(pid, loopFile, loop.seq);
          const memory = { peak: peakRss - rssBefore, retained: loop.rssAfterGcBytes - retainedBefore };
          rows.push(row(run, honestStep.result, attackResult, loop, memory, cpu, wallS));
          console.error(`hostile ${run}: ${JSON.stringify(rows.at(-1))}`);
        }
      } finally {
        await worker.stop();
      }
    },
    { env: { BENCH_LOOP_FILE: loopFile }, nodeArgs: ["--expose-gc", "--import", "./bench/src/loopProbe.ts"] },
  );
  rmSync(loopFile, { force: true });
  return [
    `## hostile: ${o.honestUsers} honest users chat at ${o.rate} msgs/s for ${o.stepMs / 1000} s: alone, then beside ${o.attackers} signed-in attackers sending ${o.frames.toLocaleString("en")} hostile frames (~60 KB each: every frame type, one field holding combining marks, emoji runs, 30,000-deep nesting, 5,000 keys, 15,000-element arrays or huge numbers) in the same ${o.stepMs / 1000} s, first to a sink that never reads them (control: what the attack costs the machine without our server), then to the server (SQLite; server on core 0, load on core 1, the attacker at the lowest priority)`,
    "",
    table(rows),
    "",
    "Longest stall: the loop probe's timer runs every 5 ms, so a reading exceeds the longest stall by up to 5 ms. RSS growth: the peak during the run, and what is still held after a full collection at its end.",
    "Targets: longest event-loop stall ≤ 20 ms, honest p99 unchanged within noise, RSS growth < 20 MB.",
  ].join("\n");
}

const runNames = { baseline: "baseline", control: "attack on a sink (control)", attack: "under attack" };

function row(
  run: keyof typeof runNames,
  honest: StepResult,
  attack: HostileResult | undefined,
  loop: LoopReading,
  rssGrowth: { peak: number; retained: number },
  serverCpu: number,
  wallS: number,
): Record<string, string | number> {
  const seconds = honest.durationMs / 1000;
  return {
    run: runNames[run],
    "honest delivered/s": Math.round(honest.deliveredInWindow / seconds),
    "send→receive p50 ms": formatMs(percentile(honest.deliveryLatencies, 50)),
    "p99 ms": formatMs(percentile(honest.deliveryLatencies, 99)),
    "max ms": formatMs(percentile(honest.deliveryLatencies, 100)),
    "longest event-loop stall ms": loop.maxMs.toFixed(1),
    "loop delay p99 ms": loop.p99Ms.toFixed(1),
    "server RSS growth MB: peak, retained": `${(rssGrowth.peak / 2 ** 20).toFixed(1)}, ${(rssGrowth.retained / 2 ** 20).toFixed(1)}`,
    "server CPU": `${Math.round((serverCpu / wallS) * 100)}%`,
    "hostile frames sent (MB)": attack ? `${attack.sent} (${(attack.bytes / 2 ** 20).toFixed(0)})` : "–",
    "their answers": attack
      ? Object.entries(attack.answers)
          .map(([k, v]) => `${k}×${v}`)
          .join(", ") + (attack.unanswered ? `, none×${attack.unanswered}` : "")
      : "–",
  };
}
