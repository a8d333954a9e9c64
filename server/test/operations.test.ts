import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DeviceList, HealthResponse, parseLinkQr, VerifyCodeResponse } from "@easyqr/protocol";
import { call, codeOf, loggedCode, newEmail, signIn } from "./support/api.ts";
import { chatPair, roomyChatLimits, send } from "./support/chat.ts";
import { createSession, TestSocket } from "./support/client.ts";
import { eventually, userSocket } from "./support/contacts.ts";
import { startServer, testNodes, type TestServer } from "./support/harness.ts";
import { claimed, desktopDevice, desktopKey } from "./support/linking.ts";
import { cuttableProxy } from "./support/cuttableProxy.ts";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789";
const REDIS_URL = "redis://127.0.0.1:6379";

async function health(server: TestServer): Promise<{ status: number; body: HealthResponse }> {
  const response = await fetch(`${server.url}/health`);
  return { status: response.status, body: HealthResponse.parse(await response.json()) };
}

async function scrape(server: TestServer): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one series (`name{labels}`), or undefined when the scrape has no such series. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const series = line.slice(0, line.lastIndexOf(" "));
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

const eachNode =
  testNodes() > 1 && "each node reports itself, and the cluster suite's URL takes turns over the nodes (clusterScript.test.ts reads /health through nginx)";

describe("GET /health", { skip: eachNode }, () => {
  let server: TestServer;
  before(async () => (server = await startServer({ env: { NODE_ID: "node-health" } })));
  after(() => server.close());

  test("keeps the seed's 200 {status: ok} and adds the node, checks with their latency, sockets and uptime", async () => {
    const { status, body } = await health(server);
    assert.equal(status, 200);
    assert.equal(body.status, "ok");
    assert.equal(body.node, "node-health");
    assert.deepEqual(body.checks, { database: "ok", redis: "absent" });
    assert.ok(body.latencyMs.database !== undefined && body.latencyMs.database >= 0);
    assert.equal(body.latencyMs.redis, undefined, "no Redis, no latency");
    assert.deepEqual(body.sockets, { users: 0, pairing: 0, link: 0 });
    assert.ok(body.uptimeSeconds >= 0);
  });

  test("counts this node's open sockets by kind", async () => {
    const user = await signIn(server);
    const userSocket1 = await userSocket(server, user);
    const session = await createSession(server.url);
    const desktop = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    const key = await desktopKey();
    const linking = await TestSocket.hello(server.url, { link: { publicKey: key.publicKey, device: desktopDevice } });
    await linking.next("LINK_CODE");
    await eventually(async () => (await health(server)).body.sockets.pairing === 1, "the desktop's pairing socket is counted");
    assert.deepEqual((await health(server)).body.sockets, { users: 1, pairing: 1, link: 1 });
    for (const socket of [userSocket1, desktop, linking]) socket.close();
    await eventually(async () => (await health(server)).body.sockets.users + (await health(server)).body.sockets.link === 0, "closed sockets leave the count");
  });
});

describe("GET /health with Redis (cluster mode)", { skip: eachNode }, () => {
  test("Redis answering: ok, with its latency", async () => {
    const server = await startServer({ env: { REDIS_URL } });
    try {
      await eventually(async () => (await health(server)).body.checks.redis === "ok", "Redis is reached", 5000);
      const { status, body } = await health(server);
      assert.equal(status, 200);
      assert.equal(body.status, "ok");
      assert.ok(body.latencyMs.redis !== undefined && body.latencyMs.redis >= 0);
    } finally {
      await server.close();
    }
  });

  test("Redis going away: degraded, still 200 (a load balancer keeps the node), and sends still work", async () => {
    const redis = await cuttableProxy(new URL("redis://127.0.0.1:6379"));
    const server = await startServer({ env: { REDIS_URL: redis.url, REDIS_PREFIX: `test-ops-${Date.now()}:` } });
    try {
      const { socketA, chat } = await chatPair(server, "degraded");
      redis.cut();
      await eventually(async () => (await health(server)).body.status === "degraded", "health to say degraded", 5_000);
      const { status, body } = await health(server);
      assert.equal(status, 200);
      assert.deepEqual(body.checks, { database: "ok", redis: "down" });
      assert.equal(body.latencyMs.redis, undefined);
      assert.equal((await send(socketA, chat.id, "still sent")).text, "still sent");
      socketA.close();
    } finally {
      await server.close();
      await redis.close();
    }
  });
});

describe("GET /metrics", { skip: eachNode }, () => {
  let server: TestServer;
  before(async () => (server = await startServer({ chatLimits: roomyChatLimits, env: { NODE_ID: "node-m", METRICS_TOKEN } })));
  after(() => server.close());

  test("asks for the bearer token, answering in the one error shape", async () => {
    const none = await call(server, "GET", "/metrics");
    assert.equal(none.status, 401);
    assert.equal(codeOf(none), "AUTH_REQUIRED");
    const wrong = await call(server, "GET", "/metrics", { headers: { authorization: "Bearer not-the-token-at-all" } });
    assert.equal(wrong.status, 401);
    assert.equal(codeOf(wrong), "AUTH_TOKEN_INVALID");
    const huge = await call(server, "GET", "/metrics", { headers: { authorization: `Bearer ${"x".repeat(5000)}` } });
    assert.equal(codeOf(huge), "AUTH_TOKEN_INVALID");
  });

  test("a send moves the sent and delivered counters and the send→ack histogram; sockets by kind; all labelled with the node", async () => {
    const { socketA, socketB, chat } = await chatPair(server, "metrics");
    const before = await scrape(server);
    const sentBefore = sample(before, "easyqr_messages_sent_total", { node: "node-m" }) ?? 0;
    const deliveredBefore = sample(before, "easyqr_messages_delivered_total", { node: "node-m" }) ?? 0;
    const acksBefore = sample(before, "easyqr_send_ack_seconds_count") ?? 0;
    const writesBefore = sample(before, "easyqr_db_chat_write_seconds_count") ?? 0;

    for (let i = 0; i < 3; i++) await send(socketA, chat.id, `hello ${i}`, { id: `m-${i}` });
    await eventually(() => socketB.events.filter((e) => e.type === "MESSAGE").length === 3, "the peer got the three");
    // A resend of a stored message is acknowledged again, but it is not a new message.
    await send(socketA, chat.id, "hello 0", { id: "m-0" });

    const text = await scrape(server);
    assert.equal(sample(text, "easyqr_messages_sent_total", { node: "node-m" }), sentBefore + 3);
    assert.equal(sample(text, "easyqr_messages_delivered_total", { node: "node-m" }), deliveredBefore + 3);
    assert.equal(sample(text, "easyqr_send_ack_seconds_count"), acksBefore + 4);
    assert.ok((sample(text, "easyqr_db_chat_write_seconds_count") ?? 0) >= writesBefore + 3);
    assert.equal(sample(text, "easyqr_sockets", { kind: "users", node: "node-m" }), 2);
    assert.equal(sample(text, "easyqr_sockets", { kind: "pairing" }), 0);
    assert.ok(sample(text, "nodejs_eventloop_lag_p99_seconds", { node: "node-m" }) !== undefined, "event-loop lag");
    assert.ok(sample(text, "process_resident_memory_bytes", { node: "node-m" }) !== undefined, "default process metrics");
    socketA.close();
    socketB.close();
  });

  test("the probe pings the database (and says it is up)", async () => {
    await server.app.operations.metrics.probe();
    const text = await scrape(server);
    assert.equal(sample(text, "easyqr_check_up", { check: "database" }), 1);
    assert.ok((sample(text, "easyqr_db_ping_seconds_count") ?? 0) >= 1);
    assert.equal(sample(text, "easyqr_check_up", { check: "redis" }), undefined, "no Redis configured, no Redis series");
  });

  test("is off without METRICS_TOKEN", async () => {
    const plain = await startServer();
    try {
      const reply = await call(plain, "GET", "/metrics");
      assert.equal(reply.status, 404);
      assert.equal(codeOf(reply), "NOT_FOUND");
    } finally {
      await plain.close();
    }
  });
});

describe("TRUST_PROXY: the client's address behind a load balancer", () => {
  const forwarded = { "x-forwarded-for": "203.0.113.7" };

  /** Signs in with these headers on both calls; the new device's IP as Settings lists it. */
  async function deviceIpVia(server: TestServer, headers: Record<string, string>): Promise<string | null | undefined> {
    const email = newEmail("proxy");
    const requested = await call(server, "POST", "/api/auth/request-code", { body: { email }, headers });
    const { requestId } = requested.body as { requestId: string };
    const verified = await call(server, "POST", "/api/auth/verify-code", { body: { requestId, code: loggedCode(server, email) }, headers });
    const { tokens } = VerifyCodeResponse.parse(verified.body);
    const devices = await call(server, "GET", "/api/devices", { token: tokens.accessToken });
    return DeviceList.parse(devices.body).devices.find((d) => d.current)?.ip;
  }

  test("trusted proxy: HTTP and the socket's upgrade both read X-Forwarded-For", async () => {
    const server = await startServer({ env: { TRUST_PROXY: "127.0.0.1, ::1" } });
    try {
      assert.equal(await deviceIpVia(server, forwarded), "203.0.113.7");
      const key = await desktopKey();
      const desktop = await TestSocket.hello(server.url, { link: { publicKey: key.publicKey, device: desktopDevice } }, { headers: forwarded });
      const qr = parseLinkQr((await desktop.next("LINK_CODE")).qr.url);
      const phone = await signIn(server);
      const asked = await claimed(server, phone, { ref: qr?.ref });
      assert.equal(asked.ip, "203.0.113.7");
      desktop.close();
    } finally {
      await server.close();
    }
  });

  test("unset: X-Forwarded-For is ignored (anyone could write it)", async () => {
    const server = await startServer();
    try {
      assert.equal(await deviceIpVia(server, forwarded), "127.0.0.1");
    } finally {
      await server.close();
    }
  });
});
