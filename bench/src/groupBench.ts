// `npm run bench -- group [--engine sqlite|postgres] [--users 1024] [--messages 300] [--window 8]`:
// one group with every member's socket connected. The members join by the group's invite link
// (the real protocol, one system line each); then one member sends `messages` with at most
// `window` unacknowledged, and the bench times each message from its SEND to its arrival at the
// last of the other members; then every member sends SEEN at once (the receipt storm) and the
// bench times it until the sender's ticks turn blue. Sockets and timing run in this process.
import { uuidv7 } from "@easyqr/protocol";
import type { EngineName, SeededUser } from "@easyqr/server/test-support";
import WebSocket from "ws";
import { withServer } from "./chatServer.ts";
import { cpuSeconds, rssBytes } from "./processes.ts";
import { formatMs, percentile, table } from "./stats.ts";

export type GroupBenchOptions = { engine: EngineName; users: number; messages: number; window: number };
export const defaultGroupBench = { users: 1024, messages: 300, window: 8 };

type Member = { user: SeededUser; ws: WebSocket };

async function api<T>(url: string, user: SeededUser, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${user.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

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

export async function groupBench(o: GroupBenchOptions): Promise<string> {
  return withServer(
    o.engine,
    o.users,
    async ({ server, users }) => {
      const pid = server.child.pid ?? 0;
      const [owner, ...rest] = users as [SeededUser, ...SeededUser[]];
      const setupBegan = performance.now();
      const chat = await api<{ id: string }>(server.url, owner, "POST", "/api/groups", { name: "Bench", memberIds: [] });
      const invite = await api<{ token: string }>(server.url, owner, "POST", `/api/groups/${chat.id}/invite`, { needsApproval: false });
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < rest.length; i = next++) await api(server.url, rest[i]!, "POST", "/api/groups/join", { token: invite.token });
      };
      await Promise.all(Array.from({ length: 8 }, lane));
      const joinS = (performance.now() - setupBegan) / 1000;

      // Arrival times per message id, at each recipient.
      const sentAt = new Map<string, number>();
      const arrivals = new Map<string, number>();
      const lastArrival = new Map<string, number>();
      const acks = new Map<string, (message: { id: string; seq: number }) => void>();
      let ticks: { seenSeq: number; at: number; frames: number } = { seenSeq: 0, at: 0, frames: 0 };
      const members: Member[] = [];
      const recipients = rest.length;
      const connectBegan = performance.now();
      for (let i = 0; i < users.length; i += 64) {
        const batch = users.slice(i, i + 64);
        members.push(
          ...(await Promise.all(
            batch.map(async (user) => ({
              user,
              ws: await connect(server.url, user, (frame) => {
                if (frame.type === "MESSAGE" && user !== owner) {
                  const message = frame.message as { clientId: string };
                  const n = (arrivals.get(message.clientId) ?? 0) + 1;
                  arrivals.set(message.clientId, n);
                  if (n === recipients) lastArrival.set(message.clientId, performance.now());
                } else if (frame.type === "ACK" && user === owner) {
                  const message = frame.message as { id: string; seq: number } | undefined;
                  if (message) acks.get(frame.id as string)?.(message);
                } else if (frame.type === "GROUP_RECEIPT" && user === owner) {
                  const theirs = frame.theirs as { seenSeq: number };
                  ticks = { seenSeq: theirs.seenSeq, at: performance.now(), frames: ticks.frames + 1 };
                }
              }),
            })),
          )),
        );
      }
      const connectS = (performance.now() - connectBegan) / 1000;
      const idleRss = rssBytes(pid);
      const ownerWs = members.find((m) => m.user === owner)!.ws;

      // Messages: a window of unacknowledged SENDs from one member.
      const cpuBefore = cpuSeconds(pid);
      const began = performance.now();
      let lastSeq = 0;
      const sendOne = (i: number) =>
        new Promise<void>((resolve) => {
          const id = uuidv7();
          acks.set(id, (message) => {
            lastSeq = Math.max(lastSeq, message.seq);
            resolve();
          });
          sentAt.set(id, performance.now());
          ownerWs.send(JSON.stringify({ type: "SEND", id, chatId: chat.id, text: `bench ${i}` }));
        });
      let sent = 0;
      await Promise.all(
        Array.from({ length: o.window }, async () => {
          while (sent < o.messages) await sendOne(sent++);
        }),
      );
      const deadline = performance.now() + 120_000;
      while (lastArrival.size < o.messages && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const doneAt = Math.max(...lastArrival.values());
      const messagesCpu = cpuSeconds(pid) - cpuBefore;
      const latencies = [...lastArrival].map(([id, at]) => at - (sentAt.get(id) ?? at)).sort((a, b) => a - b);
      const messagesRow = {
        run: `${o.messages} messages, window ${o.window}`,
        "msgs/s": (lastArrival.size / ((doneAt - began) / 1000)).toFixed(0),
        "frames/s out": ((lastArrival.size * recipients) / ((doneAt - began) / 1000)).toFixed(0),
        "send→last member p50 ms": formatMs(percentile(latencies, 50)),
        "p99 ms": formatMs(percentile(latencies, 99)),
        "server CPU s": messagesCpu.toFixed(2),
        complete: `${lastArrival.size}/${o.messages}`,
      };

      // Receipt storm: every other member reads the last message at once.
      const stormCpuBefore = cpuSeconds(pid);
      const stormBegan = performance.now();
      ticks = { seenSeq: 0, at: 0, frames: 0 };
      for (const member of members) if (member.user !== owner) member.ws.send(JSON.stringify({ type: "SEEN", chatId: chat.id, seq: lastSeq }));
      const stormDeadline = performance.now() + 120_000;
      while (ticks.seenSeq < lastSeq && performance.now() < stormDeadline) await new Promise((r) => setTimeout(r, 10));
      const stormRow = {
        run: `receipt storm: ${recipients} SEEN at once`,
        "blue after ms": ticks.seenSeq >= lastSeq ? formatMs(ticks.at - stormBegan) : "never",
        "GROUP_RECEIPT frames to the sender": ticks.frames,
        "server CPU s": (cpuSeconds(pid) - stormCpuBefore).toFixed(2),
      };
      for (const member of members) member.ws.close();
      return [
        `## group (${o.engine}): one group of ${users.length} members, all connected (server on core 0; sockets and timing in the bench process)`,
        "",
        `Setup: ${recipients} joins by the invite link in ${joinS.toFixed(1)} s; ${users.length} sockets in ${connectS.toFixed(1)} s; server RSS ${(idleRss / 2 ** 20).toFixed(0)} MB.`,
        "",
        table([messagesRow]),
        "",
        table([stormRow]),
      ].join("\n");
    },
    { connectPairs: false },
  );
}
