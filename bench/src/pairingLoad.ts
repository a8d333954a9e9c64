// Load generator for `npm run bench -- pairing`: its own process, pinned to its own core.
// Each pairing: POST /create-session → desktop socket → phone socket with the QR token →
// the desktop receives CONNECTED. Latency is measured from the POST to that event.
import { request, Agent } from "node:http";
import { parseArgs } from "node:util";
import { CreateSessionResponse, ServerEvent } from "@easyqr/protocol";
import WebSocket from "ws";
import { percentile } from "./stats.ts";

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

const latencies: number[] = [];
const errors: Record<string, number> = {};
const cpuBefore = process.cpuUsage();
const began = performance.now();
const runs: Promise<void>[] = [];
for (let i = 0; i < count; i++) {
  if (rate > 0) {
    const due = began + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  runs.push(
    pairOnce(i).then(
      (ms) => void latencies.push(ms),
      (error: unknown) => {
        const key = error instanceof Error ? error.message.slice(0, 60) : "unknown";
        errors[key] = (errors[key] ?? 0) + 1;
      },
    ),
  );
}
const timeout = setTimeout(() => {
  console.error("pairing load timed out");
  process.exit(1);
}, Number(values.timeout));
await Promise.all(runs);
clearTimeout(timeout);
const durationMs = performance.now() - began;
const cpu = process.cpuUsage(cpuBefore);
for (const ws of sockets) ws.terminate();
for (const agent of agents) agent.destroy();
console.log(
  JSON.stringify({
    count,
    ok: latencies.length,
    errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    durationMs,
    pairingsPerSec: (latencies.length / durationMs) * 1000,
    loadCpuSeconds: (cpu.user + cpu.system) / 1e6,
  }),
);
