// `npm run bench -- chat-idle`: server memory per idle signed-in socket. 1,000 sockets warm the
// server up; then the rest up to `sockets` connect from several load processes (each from its own
// loopback source addresses), and the RSS growth is divided by the sockets added.
import type { EngineName } from "@easyqr/server/test-support";
import { sourceIps, withServer } from "./chatServer.ts";
import { rssBytes } from "./processes.ts";
import { table } from "./stats.ts";
import { startWorker } from "./workers.ts";

export type ChatIdleOptions = { engine: EngineName; sockets: number; processes: number; settleMs: number };

export const defaultChatIdle: Omit<ChatIdleOptions, "engine"> = { sockets: 10_000, processes: 4, settleMs: 5_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function chatIdle(o: ChatIdleOptions): Promise<string> {
  const warm = Math.min(1000, Math.floor(o.sockets / 10));
  let rows: Record<string, string | number>[] = [];
  await withServer(
    o.engine,
    o.sockets,
    async ({ server, users }) => {
      const pid = server.child.pid ?? 0;
      const ips = sourceIps(64);
      const workers = Array.from({ length: o.processes + 1 }, () => startWorker("bench/src/chatWorker.ts"));
      try {
        const started = rssBytes(pid);
        const first = workers[0]!;
        await first.ask({ type: "init", url: server.url, users: users.slice(0, warm), sourceIps: ips.slice(0, 4) }, "ready", 120_000);
        await sleep(o.settleMs);
        const warmRss = rssBytes(pid);
        const rest = users.slice(warm);
        const began = performance.now();
        await Promise.all(
          workers.slice(1).map((w, k) => {
            const from = Math.floor((rest.length * k) / o.processes);
            const to = Math.floor((rest.length * (k + 1)) / o.processes);
            return w.ask({ type: "init", url: server.url, users: rest.slice(from, to), sourceIps: ips.slice(4 + k * 15, 4 + (k + 1) * 15) }, "ready", 300_000);
          }),
        );
        const connectS = (performance.now() - began) / 1000;
        await sleep(o.settleMs);
        const fullRss = rssBytes(pid);
        rows = [
          {
            engine: o.engine,
            "idle sockets": o.sockets,
            [`RSS MB: started → ${warm} warm → all`]: `${mb(started)} → ${mb(warmRss)} → ${mb(fullRss)}`,
            "KB per added socket": ((fullRss - warmRss) / rest.length / 1024).toFixed(1),
            "KB per socket (all, from start)": ((fullRss - started) / o.sockets / 1024).toFixed(1),
            "connects/s": Math.round(rest.length / connectS),
          },
        ];
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    },
    { connectPairs: false },
  );
  return [
    `### idle signed-in sockets (${o.processes} client processes on core 1, server on core 0; ${o.settleMs / 1000} s settle before each reading)`,
    "",
    table(rows),
  ].join("\n");
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
