// `npm run cluster -- --nodes=3`: several server nodes on this machine behind a real nginx, as in
// production (deploy/nginx/easyqr.conf), over PostgreSQL and Redis. Ctrl-C stops everything.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { networkInterfaces } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildServer, serverBundle } from "./buildServer.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const usage = `usage: npm run cluster -- [--nodes=3] [--port=3000] [--node-port=<port+1>, 0 = free ports] [--host=0.0.0.0]
                      [--data-dir=data/cluster] [--database-url=postgres://postgres@127.0.0.1:5432/test]
                      [--schema=easyqr_cluster] [--redis-url=redis://127.0.0.1:6379] [--redis-prefix=easyqr-cluster:] [--no-build]`;

const { values: flags } = parseArgs({
  options: {
    nodes: { type: "string", default: "3" },
    port: { type: "string", default: "3000" },
    "node-port": { type: "string" },
    host: { type: "string", default: "0.0.0.0" },
    "data-dir": { type: "string", default: join(root, "data", "cluster") },
    "database-url": { type: "string", default: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" },
    schema: { type: "string", default: "easyqr_cluster" },
    "redis-url": { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
    "redis-prefix": { type: "string", default: "easyqr-cluster:" },
    "no-build": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(usage);
  process.exit(0);
}

const nodeCount = Number(flags.nodes);
const port = Number(flags.port);
const firstNodePort = Number(flags["node-port"] ?? port + 1);
if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 16) fail("--nodes is 1 to 16.");
if (!Number.isInteger(port) || port < 1 || port > 65535) fail("--port is a TCP port.");
if (!Number.isInteger(firstNodePort) || firstNodePort < 0 || firstNodePort + nodeCount > 65536) fail("--node-port is a TCP port (0: free ports).");

const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((path) => existsSync(path));
if (!nginx) fail("nginx is not installed. On Debian or Ubuntu: sudo apt-get install -y nginx");

const dataDir = resolve(flags["data-dir"]);
mkdirSync(join(dataDir, "nginx"), { recursive: true });
const secret = kept(join(dataDir, "secret.key"), () => randomBytes(32).toString("base64url"));
const metricsToken = kept(join(dataDir, "metrics.token"), () => randomBytes(24).toString("hex"));

if (!flags["no-build"]) {
  // What `npm start` does first: the nodes serve the built web client and run the built server.
  const built = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) fail("npm run build failed.");
} else {
  // The web client as it was built last, the server as it is now (its bundle takes a second).
  await buildServer();
}

const shownHost = flags.host === "0.0.0.0" ? "localhost" : flags.host;
const lan = flags.host === "0.0.0.0" ? lanAddress() : undefined;
const url = `http://${shownHost}:${port}`;
const nodePorts = firstNodePort === 0 ? await freePorts(nodeCount) : Array.from({ length: nodeCount }, (_, i) => firstNodePort + i);
const children = new Set();
let stopping = false;

const nodes = nodePorts.map((nodePort, i) => ({ id: `node-${i + 1}`, port: nodePort }));
// The first node alone applies the migrations; the others start once it answers.
const [first, ...rest] = nodes;
writeNginxConfig();
await startNode(first);
await Promise.all(rest.map(startNode));
const balancer = startNginx();
await waitFor(`${url}/health`, 10_000, balancer);

process.stdout.write(
  [
    "",
    `  EasyQR cluster is running: ${nodeCount} node${nodeCount > 1 ? "s" : ""} behind nginx (round robin, no sticky sessions).`,
    `  App:      ${url}/`,
    ...(lan ? [`  Phones:   http://${lan}:${port}/`] : []),
    ...nodes.map((n) => `  ${n.id}:${" ".repeat(Math.max(1, 9 - n.id.length))}http://127.0.0.1:${n.port}   (pid ${n.child.pid})`),
    `  Health:   curl ${url}/health   (each request may reach another node: see "node")`,
    `  Metrics:  curl -H "Authorization: Bearer $(cat ${join(dataDir, "metrics.token")})" http://127.0.0.1:${nodes[0].port}/metrics`,
    `  Data:     PostgreSQL ${withoutPassword(flags["database-url"])} schema ${flags.schema}; Redis ${withoutPassword(flags["redis-url"])} prefix ${flags["redis-prefix"]}; files in ${dataDir}`,
    `  Sign-in codes appear below, in the node's log that sent them.`,
    `  Stop:     Ctrl-C (stops every node and nginx)`,
    "",
    "",
  ].join("\n"),
);

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, () => void stop(0));

function startNode(node) {
  const child = spawn(process.execPath, [serverBundle], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(node.port),
      HOST: "127.0.0.1",
      NODE_ID: node.id,
      PUBLIC_URL: lan ? `http://${lan}:${port}` : url,
      ALLOWED_ORIGINS: [`http://localhost:${port}`, `http://127.0.0.1:${port}`].join(","),
      TRUST_PROXY: "127.0.0.1",
      DATA_DIR: join(dataDir, "files"),
      DATABASE_URL: flags["database-url"],
      DATABASE_SCHEMA: flags.schema,
      REDIS_URL: flags["redis-url"],
      REDIS_PREFIX: flags["redis-prefix"],
      APP_SECRET: secret,
      METRICS_TOKEN: metricsToken,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  node.child = child;
  watch(child, node.id, () => console.error(`[cluster] ${node.id} exited; nginx sends its clients to the other nodes.`));
  return waitFor(`http://127.0.0.1:${node.port}/health`, 60_000, child);
}

/** nginx's files under DATA_DIR/nginx: deploy/nginx's two as they are, but this cluster's nodes and port. */
function writeNginxConfig() {
  const prefix = join(dataDir, "nginx");
  const deploy = join(root, "deploy", "nginx");
  // The example's node lines (3001, 3002, …) become one line per node of this cluster, with the same settings.
  const upstream = readFileSync(join(deploy, "easyqr-nodes.conf"), "utf8").replace(
    /^([ \t]*)server 127\.0\.0\.1:(\d+) (.*)\n/gm,
    (_, indent, nodePort, rest) => (nodePort === "3001" ? nodes.map((n) => `${indent}server 127.0.0.1:${n.port} ${rest}\n`).join("") : ""),
  );
  const site = readFileSync(join(deploy, "easyqr.conf"), "utf8").replace(
    /^(\s*)listen 3000;$/m,
    `$1listen ${flags.host === "0.0.0.0" ? "" : `${flags.host}:`}${port};`,
  );
  if (!upstream.includes(`:${nodes[0].port} `) || !site.includes(`${port};`)) fail("deploy/nginx/*.conf changed shape: update scripts/cluster.mjs.");
  writeFileSync(join(prefix, "easyqr-nodes.conf"), upstream);
  writeFileSync(join(prefix, "easyqr.conf"), site);
  writeFileSync(
    join(prefix, "nginx.conf"),
    [
      "# Written by scripts/cluster.mjs: nginx in the foreground, everything under this folder.",
      "daemon off;",
      "worker_processes 1;",
      `pid ${join(prefix, "nginx.pid")};`,
      "error_log stderr warn;",
      "events { worker_connections 4096; }",
      "http {",
      "  access_log off;",
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `  ${kind}_temp_path ${join(prefix, "tmp", kind)};`),
      "  include easyqr.conf;",
      "}",
      "",
    ].join("\n"),
  );
  mkdirSync(join(prefix, "tmp"), { recursive: true });
}

function startNginx() {
  const prefix = join(dataDir, "nginx");
  const child = spawn(nginx, ["-p", prefix, "-c", "nginx.conf", "-e", "stderr"], { stdio: ["ignore", "pipe", "pipe"] });
  watch(child, "nginx", () => {
    console.error("[cluster] nginx exited; stopping the nodes.");
    void stop(1);
  });
  return child;
}

/** Prefixes a child's output lines with its name; runs `gone` when it exits while the cluster is up. */
function watch(child, name, gone) {
  children.add(child);
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream.on("data", (chunk) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  child.once("exit", () => {
    children.delete(child);
    if (!stopping) gone();
  });
}

async function waitFor(target, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop(1);
      fail(`${target} did not come up: its process exited (see its output above).`);
    }
    try {
      if ((await fetch(target)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(1);
      fail(`${target} did not answer within ${timeoutMs / 1000} s.`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM to nginx and every node (each closes its sockets and database), SIGKILL after 10 s. */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  const exits = [...children].map((child) => new Promise((r) => child.once("exit", r)));
  for (const child of children) child.kill("SIGTERM");
  const timer = setTimeout(() => {
    for (const child of children) child.kill("SIGKILL");
  }, 10_000);
  await Promise.all(exits);
  clearTimeout(timer);
  if (code === 0) console.log("[cluster] stopped.");
  process.exitCode = code;
  if (code === 0) process.exit(0);
}

function kept(file, make) {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const value = make();
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

async function freePorts(count) {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolvePort, reject) => {
          const probe = createServer();
          probe.once("error", reject);
          probe.listen(0, "127.0.0.1", () => resolvePort(probe));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function lanAddress() {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

function withoutPassword(value) {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return value;
  }
}

function fail(message) {
  console.error(`[cluster] ${message}`);
  console.error(usage);
  process.exit(1);
}
