// Load generator for `npm run bench -- pairing`: its own process, pinned to its own core.
// Each pairing, `--via socket` (the web desktop's way): desktop socket with `{create}` → WAITING
// with the QR → phone socket with its token → both CONNECTED. `--via http` (the seed's way):
// POST /create-session → desktop and phone sockets → both CONNECTED. Latency is measured from the
// first request (the socket's connect, or the POST) to the last CONNECTED.
import { request, Agent } from "node:http";
import { parseArgs } from "node:util";
import { CreateSessionResponse, ServerEvent, type ServerEventOf } from "@easyqr/protocol";
import WebSocket from "ws";
import { runAttempts } from "./loadRun.ts";
import { latencies } from "./stats.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    count: { type: "string", default: "1000" },
    rate: { type: "string", default: "0" },
    ips: { type: "string", default: "64" },
    via: { type: "string", default: "socket" },
    timeout: { type: "string", default: "30000" },
  },
});
const base = values.url ?? "";
const count = Number(values.count);
const rate = Number(values.rate);
const sourceIps = Array.from({ length: Number(values.ips) }, (_, i) => `127.0.0.${i + 2}`);
const agents = sourceIps.map((ip) => new Agent({ keepAlive: true, localAddress: ip, maxSockets: 64 }));

function createSession(index: number): Promise<CreateSessionResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/create-session`,
      { method: "POST", agent: agents[index % agents.length], headers: { "content-type": "application/json" } },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`create-session ${res.statusCode}: ${body}`));
          resolve(CreateSessionResponse.parse(JSON.parse(body)));
        });
      },
    );
    req.on("error", reject);
    req.end("{}");
  });
}

/** Opens a socket, sends `hello`, hands every event to `onEvent`; resolves once an event is CONNECTED. */
function open(index: number, hello: object, onEvent: (event: ServerEvent) => void = () => {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/ws`, { localAddress: sourceIps[index % sourceIps.length] });
    sockets.push(ws);
    ws.on("open", () => ws.send(JSON.stringify(hello)));
    ws.on("message", (data) => {
      const event = ServerEvent.parse(JSON.parse((data as Buffer).toString()));
      if (event.type === "ERROR") return reject(new Error(event.error.code));
      onEvent(event);
      if (event.type === "CONNECTED") resolve(ws);
    });
    ws.on("error", reject);
  });
}

const device = { name: "bench", platform: "node" };
const sockets: WebSocket[] = [];

async function pairOverHttp(index: number): Promise<void> {
  const session = await createSession(index);
  const desktop = open(index, { sessionId: session.sessionId, desktopToken: session.desktopToken });
  const phone = open(index, { sessionId: session.sessionId, token: session.token, device });
  await Promise.all([desktop, phone]);
}

async function pairOverSocket(index: number): Promise<void> {
  let shown = (_: ServerEventOf<"WAITING">) => {};
  const waiting = new Promise<ServerEventOf<"WAITING">>((resolve) => (shown = resolve));
  const desktop = open(index, { create: {} }, (event) => event.type === "WAITING" && shown(event));
  const connectedFirst = desktop.then(() => Promise.reject(new Error("CONNECTED before WAITING")));
  const { sessionId, qr } = await Promise.race([waiting, connectedFirst]);
  await Promise.all([desktop, open(index, { sessionId, token: qr.token, device })]);
}

const pair = values.via === "http" ? pairOverHttp : pairOverSocket;
async function pairOnce(index: number): Promise<number> {
  const started = performance.now();
  await pair(index);
  return performance.now() - started;
}

const samples: number[] = [];
const run = await runAttempts(count, async (i) => void samples.push(await pairOnce(i)), {
  name: "pairing",
  timeoutMs: Number(values.timeout),
  perSecond: rate,
});
for (const ws of sockets) ws.terminate();
for (const agent of agents) agent.destroy();
console.log(JSON.stringify({ ...run, ...latencies(samples), pairingsPerSec: (run.ok / run.durationMs) * 1000 }));
