import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { request as httpRequest } from "node:http";
import { DeviceList, HealthResponse, VerifyCodeResponse, type ServerEvent } from "@easyqr/protocol";
import pg from "pg";
import { createSession, TestSocket } from "./support/client.ts";
import { freePort } from "./support/serverProcess.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const databaseUrl = process.env.DATABASE_URL;
const nginxInstalled = ["/usr/sbin/nginx", "/usr/bin/nginx"].some((path) => existsSync(path));
const skip = !nginxInstalled
  ? "nginx is not installed (apt-get install -y nginx; .ci/run installs it)"
  : !databaseUrl
    ? "the cluster shares one PostgreSQL: this runs in the PostgreSQL run (DATABASE_URL set)"
    : false;

/** `npm run cluster -- --nodes=2` on free ports, 127.0.0.1 only, with a schema and Redis prefix of its own. */
describe("npm run cluster: two nodes behind nginx", { skip, timeout: 180_000 }, () => {
  const schema = `cluster_${randomBytes(5).toString("hex")}`;
  const dataDir = mkdtempSync(join(tmpdir(), "easyqr-cluster-"));
  let child: ChildProcess;
  let output = "";
  let url: string;
  const nodes = new Map<string, string>();

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      [
        "scripts/cluster.mjs",
        "--nodes=2",
        `--port=${port}`,
        "--node-port=0",
        "--host=127.0.0.1",
        "--no-build",
        `--data-dir=${dataDir}`,
        `--database-url=${databaseUrl}`,
        `--schema=${schema}`,
        `--redis-prefix=test-${schema}:`,
      ],
      // info: the console driver's sign-in codes are info lines.
      { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the cluster did not start within 120 s:\n${output.slice(-4000)}`)), 120_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (!output.includes("Stop:")) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout?.on("data", read);
      child.stderr?.on("data", read);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the cluster script exited (${code}) while starting:\n${output.slice(-4000)}`));
      });
    });
    await ready;
    for (const match of output.matchAll(/^ {2}(node-\d+): +(http:\/\/127\.0\.0\.1:\d+)/gm)) nodes.set(match[1] ?? "", match[2] ?? "");
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  test("the script prints the URL, each node and how to stop", () => {
    assert.deepEqual([...nodes.keys()], ["node-1", "node-2"]);
    assert.match(output, new RegExp(`App: +${url}/`));
    assert.match(output, /Ctrl-C/);
  });

  test("/health through nginx reaches both nodes (round robin), each with PostgreSQL and Redis ok", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${url}/health`);
      assert.equal(response.status, 200);
      const health = HealthResponse.parse(await response.json());
      assert.equal(health.status, "ok");
      assert.deepEqual(health.checks, { database: "ok", redis: "ok" });
      seen.add(health.node);
    }
    assert.deepEqual([...seen].sort(), ["node-1", "node-2"]);
  });

  test("a desktop and a phone pair over WebSockets through nginx (the seed's handshake)", async () => {
    const session = await createSession(url);
    // Until pairing sessions live in Redis, only the node that made the session knows it: a socket
    // that lands on the other node is told so in the one error shape, and the next one (round robin)
    // lands on the right one.
    const desktop = await helloUntil(url, { sessionId: session.sessionId, desktopToken: session.desktopToken }, "WAITING");
    const phone = await helloUntil(url, { sessionId: session.sessionId, token: session.token, device: { name: "Phone", platform: "test" } }, "CONNECTED");
    await desktop.next("CONNECTED");
    desktop.close();
    phone.close();
  });

  test("a client's own address reaches the node through nginx (X-Forwarded-For, TRUST_PROXY)", async () => {
    // Called from 127.0.0.2: nginx connects to the node from 127.0.0.1 and forwards 127.0.0.2.
    const from = "127.0.0.2";
    const email = `cluster.${schema}@example.com`;
    const requested = await callFrom(from, `${url}/api/auth/request-code`, "POST", { email });
    const { requestId } = requested.body as { requestId: string };
    let code: string | undefined;
    const deadline = Date.now() + 5_000;
    while (!(code = new RegExp(`OTP for ${email.replace(/\./g, "\\.")}: (\\d{6})`).exec(output)?.[1]) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const verified = await callFrom(from, `${url}/api/auth/verify-code`, "POST", { requestId, code });
    const { tokens } = VerifyCodeResponse.parse(verified.body);
    const devices = await callFrom(from, `${url}/api/devices`, "GET", undefined, tokens.accessToken);
    assert.equal(DeviceList.parse(devices.body).devices.find((d) => d.current)?.ip, from);
  });

  test("/metrics: hidden by nginx, served by each node to its token", async () => {
    const hidden = await fetch(`${url}/metrics`);
    assert.equal(hidden.status, 404);
    assert.equal(((await hidden.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
    const token = readFileSync(join(dataDir, "metrics.token"), "utf8").trim();
    for (const [id, nodeUrl] of nodes) {
      const text = await (await fetch(`${nodeUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
      assert.match(text, new RegExp(`easyqr_sockets\\{kind="users",node="${id}"\\} \\d+`));
    }
  });
});

/** What a node that does not hold the session answers the desktop (its token is not known) and the phone. */
const unknownSession = new Set(["PAIR_DESKTOP_TOKEN_INVALID", "PAIR_SESSION_NOT_FOUND"]);

/** Opens sockets through the balancer until one's handshake is answered with `expected` (at most 4). */
async function helloUntil(url: string, handshake: object, expected: ServerEvent["type"]): Promise<TestSocket> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const socket = await TestSocket.hello(url, handshake);
    const deadline = Date.now() + 10_000;
    while (socket.events.length === 0 && !socket.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const answer = socket.events[0];
    if (answer?.type === expected) return socket;
    assert.ok(answer?.type === "ERROR" && unknownSession.has(answer.error.code), `unexpected answer ${JSON.stringify(answer)}`);
    socket.close();
  }
  throw new Error(`no ${expected} after 4 sockets`);
}

/** An HTTP call from a chosen loopback source address (fetch cannot choose it). */
function callFrom(localAddress: string, target: string, method: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {
    ...(body !== undefined ? { "content-type": "application/json" } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  return new Promise((resolve, reject) => {
    const request = httpRequest(target, { method, headers, localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as unknown }));
    });
    request.on("error", reject);
    request.end(body !== undefined ? JSON.stringify(body) : undefined);
  });
}
