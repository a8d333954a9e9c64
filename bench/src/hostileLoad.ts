// Attacker of the hostile bench: signed-in sockets sending frames at the 64 KB limit filled with
// hostile content (every frame type, one hostile value in one field), spread evenly over a time.
// Its sockets sign in first; the attack starts at --start-at (ms since the epoch), so neither this
// process's start nor its handshakes fall in the measured time. Prints one JSON line: frames sent
// and how the server answered them. With --sink the same attack goes to a socket server in this
// process that signs everyone in and never reads a frame: the control that shows what the attack
// costs this machine (the attacker's sending, the kernel's buffers) without EasyQR's server.
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { hostileFrames } from "@easyqr/server/test-support";
import WebSocket, { WebSocketServer } from "ws";

export type HostileResult = { sent: number; answers: Record<string, number>; unanswered: number; closedSockets: number; bytes: number };

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    sink: { type: "boolean" },
    tokens: { type: "string" },
    frames: { type: "string" },
    "duration-ms": { type: "string" },
    "start-at": { type: "string" },
  },
});
const url = values.sink ? await startSink() : (values.url ?? "");
const tokens = (values.tokens ?? "").split(",").filter(Boolean);
const total = Number(values.frames ?? 10_000);
const durationMs = Number(values["duration-ms"] ?? 10_000);

const answers: Record<string, number> = {};
let answered = 0;
let closedSockets = 0;

function open(token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // A zero mask leaves frames unmasked (ws then skips the copy): the attacker's own cost stays
    // small, so that it does not take the load core from the honest clients measured beside it.
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`, { perMessageDeflate: false, generateMask: (mask) => mask.fill(0) });
    ws.once("open", () => ws.send(JSON.stringify({ accessToken: token })));
    ws.once("message", (data) => {
      const first = JSON.parse((data as Buffer).toString()) as { type: string };
      if (first.type !== "AUTHENTICATED") return reject(new Error(`handshake: ${first.type}`));
      ws.on("message", (next) => {
        const frame = JSON.parse((next as Buffer).toString()) as { type: string; error?: { code: string } };
        if (frame.type !== "ACK" && frame.type !== "ERROR") return;
        const key = frame.error?.code ?? "accepted";
        answers[key] = (answers[key] ?? 0) + 1;
        answered++;
      });
      resolve(ws);
    });
    ws.once("error", reject);
    ws.once("close", () => closedSockets++);
  });
}

const sockets = await Promise.all(tokens.map(open));
const frames = hostileFrames().map((frame) => Buffer.from(frame.text));
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(values["start-at"] ?? 0) - Date.now())));
let sent = 0;
let bytes = 0;
const start = performance.now();
await new Promise<void>((resolve) => {
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - start) * total) / durationMs));
    while (sent < due) {
      const frame = frames[sent % frames.length]!;
      sockets[sent % sockets.length]!.send(frame, { binary: false });
      bytes += frame.length;
      sent++;
    }
    if (sent >= total) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
const deadline = performance.now() + (values.sink ? 0 : 10_000);
while (answered < sent && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
for (const ws of sockets) ws.terminate();
const result: HostileResult = { sent, answers, unanswered: sent - answered, closedSockets, bytes };
console.log(JSON.stringify(result));
process.exit(0); // the sink would keep the process alive

/** A socket server that answers the handshake and then leaves every frame unread in the kernel's buffers. */
async function startSink(): Promise<string> {
  const sink = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  sink.on("connection", (ws, request) => {
    ws.once("message", () => {
      ws.send(JSON.stringify({ type: "AUTHENTICATED" }));
      request.socket.pause();
    });
  });
  await new Promise((resolve) => sink.once("listening", resolve));
  return `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
}
