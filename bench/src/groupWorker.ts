// A receiving process of the group bench (pinned to core 1 with the others): holds some members'
// sockets and notes, per message, how many of them got it and when the last did. Frames are read
// by looking for the client id in the bytes (frames.ts), so the count costs little per frame.
import WebSocket from "ws";
import { read } from "./frames.ts";
import { sharedNow, type Arrival, type GroupWorkerCommand, type GroupWorkerReply } from "./groupMessages.ts";

let sockets: WebSocket[] = [];
let closing = false;
const arrivals = new Map<string, Arrival>();

function reply(message: GroupWorkerReply): void {
  process.send?.(message);
}

function onFrame(data: WebSocket.RawData): void {
  const frame = read(data as Buffer);
  if (frame.type !== "MESSAGE" || !frame.message) return;
  const { clientId } = frame.message;
  const arrival = arrivals.get(clientId);
  if (arrival) {
    arrival.count++;
    arrival.lastAt = sharedNow();
  } else arrivals.set(clientId, { clientId, count: 1, lastAt: sharedNow() });
}

function connect(url: string, accessToken: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`, { headers: { origin: url }, perMessageDeflate: false });
    const timer = setTimeout(() => reject(new Error("no AUTHENTICATED within 30 s")), 30_000);
    ws.once("open", () => ws.send(JSON.stringify({ accessToken })));
    ws.once("message", (data) => {
      clearTimeout(timer);
      const first = JSON.parse((data as Buffer).toString()) as { type: string; error?: { code: string } };
      if (first.type !== "AUTHENTICATED") return reject(new Error(`handshake: ${first.error?.code ?? first.type}`));
      ws.on("message", onFrame);
      resolve(ws);
    });
    ws.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on("close", () => {
      if (!closing) console.error("group worker: a socket closed");
    });
  });
}

async function connectAll(url: string, tokens: string[]): Promise<void> {
  const opened = new Array<WebSocket>(tokens.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < tokens.length; i = next++) opened[i] = await connect(url, tokens[i]!);
  };
  await Promise.all(Array.from({ length: 32 }, lane));
  sockets = opened;
}

process.on("message", (command: GroupWorkerCommand) => {
  const answer = async (): Promise<GroupWorkerReply> => {
    switch (command.type) {
      case "init":
        await connectAll(
          command.url,
          command.users.map((u) => u.accessToken),
        );
        return { type: "ready", sockets: sockets.length };
      case "collect": {
        const cpu = process.cpuUsage();
        return { type: "arrivals", arrivals: [...arrivals.values()], cpuSeconds: (cpu.user + cpu.system) / 1e6 };
      }
      case "storm": {
        const frame = JSON.stringify({ type: "SEEN", chatId: command.chatId, seq: command.seq });
        const sentAt = sharedNow();
        for (const ws of sockets) ws.send(frame);
        return { type: "stormed", sentAt };
      }
      case "stop":
        closing = true;
        for (const ws of sockets) ws.terminate();
        setTimeout(() => process.exit(0), 50);
        return { type: "stopped" };
    }
  };
  answer().then(reply, (error: unknown) => {
    reply({ type: "failed", error: error instanceof Error ? error.message : String(error) });
  });
});
process.on("disconnect", () => process.exit(0));
