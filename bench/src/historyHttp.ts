// Times `GET /api/chats/:chatId/messages` (the newest page) over one keep-alive connection,
// one request at a time: its own process, pinned to the load generator's core.
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { timePages } from "./stats.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    token: { type: "string" },
    chat: { type: "string" },
    count: { type: "string", default: "2000" },
    limit: { type: "string", default: "50" },
    warmup: { type: "string", default: "200" },
  },
});
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const path = `/api/chats/${values.chat}/messages?limit=${values.limit}`;

function page(): Promise<{ messages: { seq: number }[] }> {
  return new Promise((resolve, reject) => {
    const req = request(`${values.url}${path}`, { agent, headers: { authorization: `Bearer ${values.token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) return reject(new Error(`${res.statusCode}: ${body.slice(0, 200)}`));
        resolve(JSON.parse(body) as { messages: { seq: number }[] });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const summary = await timePages(page, Number(values.count), Number(values.warmup));
agent.destroy();
console.log(JSON.stringify(summary));
