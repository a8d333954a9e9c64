// `npm run bench -- group [--engine sqlite|postgres] [--users 1024] [--messages 300] [--window 8] [--workers 4] [--baseline=DIR]`:
// one group with every member's socket connected. The members join by the group's invite link
// (the real protocol, one system line each); then one member sends `messages` with at most
// `window` unacknowledged, and the bench times each message from its SEND to its arrival at the
// last of the other members; then every member sends SEEN at once (the receipt storm) and the
// bench times it until the sender's ticks turn blue. The sender's socket is in this process; the
// other members' are spread over `workers` processes (groupWorker.ts), all on the load core, so
// the figures are the server's and not one receiving event loop's. `--baseline=DIR` runs another
// checkout's server first, then this one, and prints both.
import { uuidv7 } from "@easyqr/protocol";
import { apiAs, sleep, type EngineName, type SeededUser } from "@easyqr/server/test-support";
import WebSocket from "ws";
import { withServer } from "./chatServer.ts";
import { sharedNow, type GroupWorkerCommand, type GroupWorkerReply } from "./groupMessages.ts";
import { cpuSeconds, rssBytes } from "./processes.ts";
import { formatMs, percentile, table } from "./stats.ts";
import { startWorker, type Worker } from "./workers.ts";

export type GroupBenchOptions = { engine: EngineName; users: number; messages: number; window: number; workers: number; baseline?: string };
export const defaultGroupBench = { users: 1024, messages: 300, window: 8, workers: 4 };

type GroupWorker = Worker<GroupWorkerCommand, GroupWorkerReply>;

function connect(url: string, user: SeededUser, onFrame: (frame: { type: string; [k: string]: unknown }) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`, { headers: { origin: url } });
    ws.once("error", reject);
    ws.on("open", () => ws.send(JSON.stringify({ accessToken: user.accessToken })));
    ws.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; [k: string]: unknown };
      if (frame.type === "AUTHENTICATED") resolve(ws);
      onFrame(frame);
    });
  });
}

/** Per client id: how many receivers got it, and when the last did (over every worker). */
async function collect(workers: GroupWorker[]): Promise<{ arrivals: Map<string, { count: number; lastAt: number }>; cpuSeconds: number }> {
  const replies = await Promise.all(workers.map((w) => w.ask({ type: "collect" }, "arrivals", 30_000)));
  const arrivals = new Map<string, { count: number; lastAt: number }>();
  for (const reply of replies)
    for (const a of reply.arrivals) {
      const seen = arrivals.get(a.clientId);
      arrivals.set(a.clientId, seen ? { count: seen.count + a.count, lastAt: Math.max(seen.lastAt, a.lastAt) } : { count: a.count, lastAt: a.lastAt });
    }
  return { arrivals, cpuSeconds: replies.reduce((n, r) => n + r.cpuSeconds, 0) };
}

export async function groupBench(o: GroupBenchOptions): Promise<string> {
  const parts = [
    `## group (${o.engine}): one group of ${o.users} members, all connected; server on core 0, the sender here and the other members' sockets in ${o.workers} processes on core 1`,
    "",
  ];
  if (o.baseline) parts.push(`### baseline: ${o.baseline}`, "", await groupRun(o, o.baseline), "", "### this checkout", "");
  parts.push(await groupRun(o));
  return parts.join("\n");
}

async function groupRun(o: GroupBenchOptions, serverRoot?: string): Promise<string> {
  return withServer(
    o.engine,
    o.users,
    async ({ server, users }) => {
      const pid = server.child.pid ?? 0;
      const [owner, ...rest] = users as [SeededUser, ...SeededUser[]];
      const setupBegan = performance.now();
      const chat = await apiAs<{ id: string }>(server.url, owner, "POST", "/api/groups", { name: "Bench", memberIds: [] });
      const invite = await apiAs<{ token: string }>(server.url, owner, "POST", `/api/groups/${chat.id}/invite`, { needsApproval: false });
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < rest.length; i = next++) await apiAs(server.url, rest[i]!, "POST", "/api/groups/join", { token: invite.token });
      };
      await Promise.all(Array.from({ length: 8 }, lane));
      const joinS = (performance.now() - setupBegan) / 1000;

      const acks = new Map<string, (message: { id: string; seq: number }) => void>();
      let ticks: { seenSeq: number; at: number; frames: number } = { seenSeq: 0, at: 0, frames: 0 };
      const recipients = rest.length;
      const connectBegan = performance.now();
      const ownerWs = await connect(server.url, owner, (frame) => {
        if (frame.type === "ACK") {
          const message = frame.message as { id: string; seq: number } | undefined;
          if (message) acks.get(frame.id as string)?.(message);
        } else if (frame.type === "GROUP_RECEIPT") {
          const theirs = frame.theirs as { seenSeq: number };
          ticks = { seenSeq: theirs.seenSeq, at: sharedNow(), frames: ticks.frames + 1 };
        }
      });
      const workers: GroupWorker[] = Array.from({ length: o.workers }, () => startWorker<GroupWorkerCommand, GroupWorkerReply>("bench/src/groupWorker.ts"));
      try {
        await Promise.all(
          workers.map((w, i) =>
            w.ask(
              { type: "init", url: server.url, users: rest.filter((_, j) => j % o.workers === i).map((u) => ({ id: u.id, accessToken: u.accessToken })) },
              "ready",
              120_000,
            ),
          ),
        );
        const connectS = (performance.now() - connectBegan) / 1000;
        const idleRss = rssBytes(pid);
        const before = await collect(workers);

        // Messages: a window of unacknowledged SENDs from one member.
        const cpuBefore = cpuSeconds(pid);
        const began = sharedNow();
        const sentAt = new Map<string, number>();
        let lastSeq = 0;
        const sendOne = (i: number) =>
          new Promise<void>((resolve) => {
            const id = uuidv7();
            acks.set(id, (message) => {
              lastSeq = Math.max(lastSeq, message.seq);
              resolve();
            });
            sentAt.set(id, sharedNow());
            ownerWs.send(JSON.stringify({ type: "SEND", id, chatId: chat.id, text: `bench ${i}` }));
          });
        let sent = 0;
        await Promise.all(
          Array.from({ length: o.window }, async () => {
            while (sent < o.messages) await sendOne(sent++);
          }),
        );
        const deadline = performance.now() + 120_000;
        let seen = await collect(workers);
        const complete = () => [...sentAt.keys()].filter((id) => (seen.arrivals.get(id)?.count ?? 0) >= recipients).length;
        while (complete() < o.messages && performance.now() < deadline) {
          await sleep(100);
          seen = await collect(workers);
        }
        const messagesCpu = cpuSeconds(pid) - cpuBefore;
        const lastArrivals = [...sentAt].flatMap(([id, at]) => {
          const arrival = seen.arrivals.get(id);
          return arrival && arrival.count >= recipients ? [{ latency: arrival.lastAt - at, at: arrival.lastAt }] : [];
        });
        const doneAt = Math.max(...lastArrivals.map((a) => a.at));
        const latencies = lastArrivals.map((a) => a.latency).sort((a, b) => a - b);
        const seconds = (doneAt - began) / 1000;
        const messagesRow = {
          run: `${o.messages} messages, window ${o.window}`,
          "msgs/s": (lastArrivals.length / seconds).toFixed(0),
          "frames/s out": ((lastArrivals.length * recipients) / seconds).toFixed(0),
          "send→last member p50 ms": formatMs(percentile(latencies, 50)),
          "p99 ms": formatMs(percentile(latencies, 99)),
          "server CPU s": messagesCpu.toFixed(2),
          "server CPU ms/msg": ((messagesCpu * 1000) / o.messages).toFixed(2),
          "server core busy": `${((messagesCpu / seconds) * 100).toFixed(0)} %`,
          "receivers' CPU s": (seen.cpuSeconds - before.cpuSeconds).toFixed(2),
          complete: `${lastArrivals.length}/${o.messages}`,
        };

        // Receipt storm: every other member reads the last message at once.
        const stormCpuBefore = cpuSeconds(pid);
        ticks = { seenSeq: 0, at: 0, frames: 0 };
        const stormed = await Promise.all(workers.map((w) => w.ask({ type: "storm", chatId: chat.id, seq: lastSeq }, "stormed", 30_000)));
        const stormBegan = Math.min(...stormed.map((s) => s.sentAt));
        const stormDeadline = performance.now() + 120_000;
        while (ticks.seenSeq < lastSeq && performance.now() < stormDeadline) await sleep(10);
        const stormRow = {
          run: `receipt storm: ${recipients} SEEN at once`,
          "blue after ms": ticks.seenSeq >= lastSeq ? formatMs(ticks.at - stormBegan) : "never",
          "GROUP_RECEIPT frames to the sender": ticks.frames,
          "server CPU s": (cpuSeconds(pid) - stormCpuBefore).toFixed(2),
        };
        return [
          `Setup: ${recipients} joins by the invite link in ${joinS.toFixed(1)} s; ${users.length} sockets in ${connectS.toFixed(1)} s; server RSS ${(idleRss / 2 ** 20).toFixed(0)} MB.`,
          "",
          table([messagesRow]),
          "",
          table([stormRow]),
        ].join("\n");
      } finally {
        ownerWs.close();
        await Promise.all(workers.map((w) => w.stop()));
      }
    },
    { connectPairs: false, ...(serverRoot ? { serverRoot } : {}) },
  );
}
