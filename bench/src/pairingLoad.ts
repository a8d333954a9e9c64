// Load generator for `npm run bench -- pairing`: its own process, pinned to its own core.
// Each pairing: POST /create-session → desktop socket → phone socket with the QR token →
// the desktop receives CONNECTED. Latency is measured from the POST to that event.
import { request, Agent } from "node:http";
import { parseArgs } from "node:util";
import { CreateSessionResponse, ServerEvent } from "@easyqr/protocol";
import WebSocket from "ws";
import { runAttempts } from "./loadRun.ts";
import { latencies } from "./stats.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    count: { type: "string", default: "1000" },
    rate: { type: "string", default: "0" },
    ips: { type: "string", default: "64" },
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

function open(index: number, hello: object, until: (event: ServerEvent) => boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/ws`, { localAddress: sourceIps[index % sourceIps.length] });
    ws.on("open", () => ws.send(JSON.stringify(hello)));
    ws.on("message", (data) => {
      const event = ServerEvent.parse(JSON.parse((data as Buffer).toString()));
      if (event.type === "ERROR") reject(new Error(event.error.code));
      else if (until(event)) resolve(ws);
    });
    ws.on("error", reject);
  });
}

const sockets: WebSocket[] = [];
async function pairOnce(index: number): Promise<number> {
  const started = performance.now();
  const session = await createSession(index);
  const desktop = open(index, { sessionId: session.sessionId, desktopToken: session.desktopToken }, (e) => e.type === "CONNECTED");
  const phone = open(index, { sessionId: session.sessionId, token: session.token, device: { name: "bench", platform: "node" } }, (e) => e.type === "CONNECTED");
  const [d, p] = await Promise.all([desktop, phone]);
  const elapsed = performance.now() - started;
  sockets.push(d, p);
  return elapsed;
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
