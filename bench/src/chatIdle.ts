// `npm run bench -- chat-idle`: server memory per idle signed-in socket. 1,000 sockets warm the
// server up; then the rest up to `sockets` connect from several load processes (each from its own
// loopback source addresses), and the RSS growth is divided by the sockets added. Each reading
// follows a full GC (through the server's inspector), so garbage does not count as held memory.
import { freePort, type EngineName } from "@easyqr/server/test-support";
import { sourceIps, withServer } from "./chatServer.ts";
import { collectGarbage, inspectorFlags, rssBytes } from "./processes.ts";
import { startWorker } from "./workers.ts";

export type ChatIdleOptions = {
  engine: EngineName;
  sockets: number;
  processes: number;
  settleMs: number;
  /** Another checkout's server (`--baseline`); this one by default. */
  serverRoot?: string;
};

export const defaultChatIdle: Omit<ChatIdleOptions, "engine"> = { sockets: 10_000, processes: 4, settleMs: 5_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function chatIdle(o: ChatIdleOptions): Promise<Record<string, string | number>> {
  const warm = Math.min(1000, Math.floor(o.sockets / 10));
  const inspectPort = await freePort();
  const settled = async (pid: number) => {
    await sleep(o.settleMs);
    await collectGarbage(inspectPort);
    await sleep(1000);
    return rssBytes(pid);
  };
  let row: Record<string, string | number> = {};
  await withServer(
    o.engine,
    o.sockets,
    async ({ server, users }) => {
      const pid = server.child.pid ?? 0;
      const ips = sourceIps(64);
      const workers = Array.from({ length: o.processes + 1 }, () => startWorker("bench/src/chatWorker.ts"));
      try {
        const started = await settled(pid);
        const first = workers[0]!;
        await first.ask({ type: "init", url: server.url, users: users.slice(0, warm), sourceIps: ips.slice(0, 4) }, "ready", 120_000);
        const warmRss = await settled(pid);
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
        const fullRss = await settled(pid);
        row = {
          build: o.serverRoot ?? "this",
          engine: o.engine,
          "idle sockets": o.sockets,
          [`RSS MB: started → ${warm} warm → all`]: `${mb(started)} → ${mb(warmRss)} → ${mb(fullRss)}`,
          "KB per added socket": ((fullRss - warmRss) / rest.length / 1024).toFixed(1),
          "KB per socket (all, from start)": ((fullRss - started) / o.sockets / 1024).toFixed(1),
          "connects/s": Math.round(rest.length / connectS),
        };
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    },
    { connectPairs: false, nodeArgs: inspectorFlags(inspectPort), ...(o.serverRoot ? { serverRoot: o.serverRoot } : {}) },
  );
  return row;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
