// Times `GET /api/search/messages` over one keep-alive connection, one request at a time, for each
// query of a set, as searchers taking turns: its own process, pinned to the load generator's core.
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { percentile } from "./stats.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    tokens: { type: "string" },
    queries: { type: "string" },
    count: { type: "string", default: "200" },
    warmup: { type: "string", default: "20" },
  },
});
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const tokens = JSON.parse(values.tokens ?? "[]") as string[];
const queries = JSON.parse(values.queries ?? "[]") as string[];

function search(q: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const path = `/api/search/messages?${new URLSearchParams({ q }).toString()}`;
    const req = request(`${values.url}${path}`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) return reject(new Error(`${res.statusCode}: ${body.slice(0, 200)}`));
        resolve((JSON.parse(body) as { hits: unknown[] }).hits.length);
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const results = [];
for (const q of queries) {
  for (let i = 0; i < Number(values.warmup); i++) await search(q, tokens[i % tokens.length]!);
  const latencies: number[] = [];
  let hits = 0;
  for (let i = 0; i < Number(values.count); i++) {
    const started = performance.now();
    hits += await search(q, tokens[i % tokens.length]!);
    latencies.push(performance.now() - started);
  }
  results.push({
    q,
    count: latencies.length,
    hitsPerPage: hits / latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
  });
}
agent.destroy();
console.log(JSON.stringify(results));
