// Load generator for `npm run bench -- link`: its own process, pinned to its own core.
// Each link: desktop socket with a WebCrypto key → LINK_CODE → the phone claims the ref →
// approves → the desktop gets LINK_APPROVED → redeems the ticket signed with its key. The
// desktop's key pairs are made before the clock starts and signing is left out of the time, so
// the latency is the server's round trips (on loopback), not the load generator's crypto.
import type { webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { linkSignedData, parseLinkQr, ServerEvent, type ServerEventOf } from "@easyqr/protocol";
import WebSocket from "ws";
import { runAttempts } from "./loadRun.ts";
import { latencies } from "./stats.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    tokens: { type: "string" },
    count: { type: "string", default: "1000" },
    ips: { type: "string", default: "250" },
    timeout: { type: "string", default: "120000" },
  },
});
const base = new URL(values.url ?? "");
// Only ever against a server on this machine.
if (!base.hostname.startsWith("127.")) throw new Error(`the link bench runs against 127.0.0.1 only, not ${base.hostname}`);
const phoneTokens = JSON.parse(readFileSync(values.tokens ?? "", "utf8")) as string[];
const count = Math.min(Number(values.count), phoneTokens.length, 5000);
// Each address may hold 10 waiting links: spread the desktops over enough loopback addresses.
const sourceIps = Array.from({ length: Number(values.ips) }, (_, i) => `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`);
const agents = sourceIps.map((ip) => new Agent({ keepAlive: true, localAddress: ip, maxSockets: 16 }));

function post(index: number, path: string, body: unknown, token?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      {
        method: "POST",
        agent: agents[index % agents.length],
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`${path.split("/").slice(0, 4).join("/")} ${res.statusCode}: ${text.slice(0, 80)}`));
          resolve(JSON.parse(text));
        });
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body ?? {}));
  });
}

/** A desktop's socket with its events as promises by type. */
function desktopSocket(index: number, publicKey: string) {
  const ws = new WebSocket(`${base.origin.replace("http", "ws")}/ws`, { localAddress: sourceIps[index % sourceIps.length] });
  const waiting = new Map<string, (event: ServerEvent) => void>();
  const seen = new Map<string, ServerEvent>();
  let failed: ((error: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);
  ws.on("open", () => ws.send(JSON.stringify({ link: { publicKey, device: { name: `bench ${index}`, platform: "node" } } })));
  ws.on("message", (data) => {
    const event = ServerEvent.parse(JSON.parse((data as Buffer).toString()));
    if (event.type === "ERROR") return failed?.(new Error(event.error.code));
    seen.set(event.type, event);
    waiting.get(event.type)?.(event);
  });
  ws.on("error", (error) => failed?.(error));
  const next = <T extends ServerEvent["type"]>(type: T): Promise<ServerEventOf<T>> =>
    Promise.race([
      failure,
      new Promise<ServerEventOf<T>>((resolve) => {
        const already = seen.get(type);
        if (already) return resolve(already as ServerEventOf<T>);
        waiting.set(type, (event) => resolve(event as ServerEventOf<T>));
      }),
    ]);
  return { ws, next };
}

type Key = { publicKey: string; privateKey: webcrypto.CryptoKey };
async function newKey(): Promise<Key> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  return { publicKey: Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString("base64url"), privateKey: pair.privateKey };
}

const steps = { code: [] as number[], claim: [] as number[], approve: [] as number[], redeem: [] as number[], total: [] as number[] };
const sockets: WebSocket[] = [];

async function linkOnce(index: number, key: Key): Promise<void> {
  let t = performance.now();
  const desktop = desktopSocket(index, key.publicKey);
  sockets.push(desktop.ws);
  const code = await desktop.next("LINK_CODE");
  const codeMs = performance.now() - t;
  const ref = parseLinkQr(code.qr.url)?.ref;
  const phone = phoneTokens[index]!;
  t = performance.now();
  await post(index, "/api/link/claim", { ref }, phone);
  const claimMs = performance.now() - t;
  t = performance.now();
  await post(index, `/api/link/${code.linkId}/approve`, {}, phone);
  const approved = await desktop.next("LINK_APPROVED");
  const approveMs = performance.now() - t;
  const signature = Buffer.from(
    await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, new TextEncoder().encode(linkSignedData(code.linkId, approved.ticket))),
  ).toString("base64url");
  t = performance.now();
  await post(index, "/api/link/redeem", { linkId: code.linkId, ticket: approved.ticket, signature });
  const redeemMs = performance.now() - t;
  steps.code.push(codeMs);
  steps.claim.push(claimMs);
  steps.approve.push(approveMs);
  steps.redeem.push(redeemMs);
  steps.total.push(codeMs + claimMs + approveMs + redeemMs);
}

const keys = await Promise.all(Array.from({ length: count }, newKey));
const run = await runAttempts(count, (i) => linkOnce(i, keys[i]!), { name: "link", timeoutMs: Number(values.timeout) });
for (const ws of sockets) ws.terminate();
for (const agent of agents) agent.destroy();
console.log(
  JSON.stringify({
    ...run,
    total: latencies(steps.total),
    code: latencies(steps.code),
    claim: latencies(steps.claim),
    approve: latencies(steps.approve),
    redeem: latencies(steps.redeem),
    linksPerSec: (run.ok / run.durationMs) * 1000,
  }),
);
