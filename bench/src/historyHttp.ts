// Times `GET /api/chats/:chatId/messages` (the newest page) at an offered rate: request i leaves at
// start + i / rate over a few keep-alive connections, and its latency counts from when it was due,
// so a stalled server shows in the figures instead of slowing the load down. Its own process,
// pinned to the load generator's core.
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { latencies } from "./stats.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    token: { type: "string" },
    chat: { type: "string" },
    count: { type: "string", default: "2000" },
    rate: { type: "string", default: "2000" },
    connections: { type: "string", default: "16" },
    limit: { type: "string", default: "50" },
    warmup: { type: "string", default: "500" },
  },
});
const connections = Number(values.connections);
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const path = `/api/chats/${values.chat}/messages?limit=${values.limit}`;

type Page = { messages: { seq: number }[] };

function page(): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = request(`${values.url}${path}`, { agent, headers: { authorization: `Bearer ${values.token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) return reject(new Error(`${res.statusCode}: ${body.slice(0, 200)}`));
        resolve(JSON.parse(body) as Page);
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** `count` requests at `rate` a second; resolves with each one's latency from when it was due, in ms. */
async function offer(count: number, rate: number): Promise<{ samples: number[]; last: Page }> {
  const samples: number[] = [];
  let last: Page = { messages: [] };
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      page().then((p) => {
        last = p;
        samples.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(pending);
  return { samples, last };
}

const rate = Number(values.rate);
await offer(Number(values.warmup), rate);
const cpuBefore = process.cpuUsage();
const { samples, last } = await offer(Number(values.count), rate);
const cpu = process.cpuUsage(cpuBefore);
agent.destroy();
console.log(
  JSON.stringify({
    count: samples.length,
    messages: last.messages.length,
    newestSeq: last.messages.at(-1)?.seq ?? null,
    ...latencies(samples),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }),
);
