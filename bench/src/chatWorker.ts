// Load generator of the chat bench: a process of its own (pinned to core 1) holding some users'
// sockets, driven by the bench over IPC. It speaks the chat protocol with plain `ws` and
// JSON.stringify/parse: no schema parsing on the hot path. Both users of a pair live in the same
// worker, so send → receive latency is read off one clock (a map by client id).
import { uuidv7 } from "@easyqr/protocol";
import WebSocket from "ws";
import type { WorkerCommand, WorkerReply, WorkerUser, StepResult } from "./chatMessages.ts";
import { read } from "./frames.ts";
import { openSignedIn } from "./handshake.ts";

type Socket = { ws: WebSocket; user: WorkerUser; inflight: number };
type Pending = { sentAt: number; acked: boolean; delivered: boolean };

type StepState = {
  pending: Map<string, Pending>;
  start: number;
  end: number;
  ackLatencies: number[];
  deliveryLatencies: number[];
  acked: number;
  delivered: number;
  deliveredInWindow: number;
  ackErrors: Record<string, number>;
  unexpected: number;
};

let sockets: Socket[] = [];
let step: StepState | undefined;
let closing = false;

function reply(message: WorkerReply): void {
  process.send?.(message);
}

function onFrame(socket: Socket, data: WebSocket.RawData): void {
  const now = performance.now();
  const frame = read(data as Buffer);
  if (frame.type === "ACK") {
    socket.inflight--;
    const entry = step?.pending.get(frame.id ?? "");
    if (!step || !entry) return;
    if (frame.error) {
      step.ackErrors[frame.error.code] = (step.ackErrors[frame.error.code] ?? 0) + 1;
      step.pending.delete(frame.id ?? "");
      return;
    }
    entry.acked = true;
    step.acked++;
    step.ackLatencies.push(now - entry.sentAt);
    if (entry.delivered) step.pending.delete(frame.id ?? "");
  } else if (frame.type === "MESSAGE") {
    const clientId = frame.message?.clientId ?? "";
    const entry = step?.pending.get(clientId);
    if (!step || !entry || entry.delivered) {
      if (step) step.unexpected++;
      return;
    }
    entry.delivered = true;
    step.delivered++;
    if (now <= step.end) step.deliveredInWindow++;
    step.deliveryLatencies.push(now - entry.sentAt);
    if (entry.acked) step.pending.delete(clientId);
  }
}

/** Handshakes tried again in this process, by reason (what the bench reports). */
const retries = new Map<string, number>();

async function connect(url: string, user: WorkerUser, localAddress: string): Promise<Socket> {
  const ws = await openSignedIn(url, user.accessToken, localAddress, retries).catch((error: unknown) => {
    throw new Error(`socket of ${user.id}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  const socket: Socket = { ws, user, inflight: 0 };
  ws.on("message", (data) => onFrame(socket, data));
  ws.on("close", () => {
    if (!closing) console.error(`chat worker: socket of ${user.id} closed`);
  });
  return socket;
}

async function connectAll(url: string, users: WorkerUser[], sourceIps: string[], lanes: number): Promise<void> {
  const opened: Socket[] = new Array<Socket>(users.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < users.length; i = next++) opened[i] = await connect(users[i]!.url ?? url, users[i]!, sourceIps[i % sourceIps.length]!);
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  sockets = opened;
}

/** Offers `rate` SENDs a second for `durationMs`, round robin over the senders, then waits up to `drainMs` for the stragglers. */
async function runStep(rate: number, durationMs: number, drainMs: number, window: number): Promise<StepResult> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const state: StepState = {
    pending: new Map(),
    start,
    end: start + durationMs,
    ackLatencies: [],
    deliveryLatencies: [],
    acked: 0,
    delivered: 0,
    deliveredInWindow: 0,
    ackErrors: {},
    unexpected: 0,
  };
  step = state;
  const senders = sockets.filter((s) => s.user.chatId);
  let offered = 0;
  let sent = 0;
  let windowFull = 0;
  let cursor = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = ((Math.min(now, state.end) - start) * rate) / 1000;
      while (offered < due) {
        offered++;
        const socket = senders[cursor++ % senders.length]!;
        if (socket.inflight >= window || socket.ws.readyState !== WebSocket.OPEN) {
          windowFull++;
          continue;
        }
        // Time-ordered, as the web client makes them (the server indexes SENDs by client id first).
        const id = uuidv7();
        state.pending.set(id, { sentAt: performance.now(), acked: false, delivered: false });
        socket.inflight++;
        sent++;
        socket.ws.send(JSON.stringify({ type: "SEND", id, chatId: socket.user.chatId, text: `bench message ${id} from ${socket.user.id}` }));
      }
      if (now >= state.end) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const drainUntil = performance.now() + drainMs;
  while (state.pending.size > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  step = undefined;
  const cpu = process.cpuUsage(cpuBefore);
  let unacked = 0;
  let undelivered = 0;
  for (const entry of state.pending.values()) {
    if (!entry.acked) unacked++;
    if (!entry.delivered) undelivered++;
  }
  return {
    offered,
    sent,
    windowFull,
    acked: state.acked,
    delivered: state.delivered,
    deliveredInWindow: state.deliveredInWindow,
    unacked,
    undelivered,
    unexpected: state.unexpected,
    ackErrors: state.ackErrors,
    ackLatencies: state.ackLatencies,
    deliveryLatencies: state.deliveryLatencies,
    durationMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    systemSeconds: cpu.system / 1e6,
  };
}

process.on("message", (command: WorkerCommand) => {
  const answer = async (): Promise<WorkerReply> => {
    switch (command.type) {
      case "init":
        await connectAll(command.url, command.users, command.sourceIps, command.lanes ?? 64);
        return { type: "ready", sockets: sockets.length, retries: Object.fromEntries(retries) };
      case "step":
        return { type: "result", result: await runStep(command.rate, command.durationMs, command.drainMs, command.window) };
      case "stop":
        closing = true;
        for (const s of sockets) s.ws.terminate();
        setTimeout(() => process.exit(0), 50);
        return { type: "stopped" };
    }
  };
  answer().then(reply, (error: unknown) => {
    reply({ type: "failed", error: error instanceof Error ? error.message : String(error) });
  });
});
process.on("disconnect", () => process.exit(0));
