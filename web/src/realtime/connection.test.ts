import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { AckFailure } from "./acks.ts";
import { FakeSocket } from "./fakeSocket.ts";
import { Connection, type ConnectionState } from "./connection.ts";

const sessionId = "7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f";
const qr = { url: "http://h/pair#sid=x&t=y", token: "y", code: "ABCD2345", expiresAt: 2, rotatesAt: 1 };
const waiting = { type: "WAITING", sessionId, qr, expiresAt: 9 };

let sockets: FakeSocket[];
let states: ConnectionState[];

function connect(random = () => 0.5) {
  const connection = new Connection({
    url: "ws://h/ws",
    handshake: { sessionId, desktopToken: "secret" },
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    random,
    ackTimeoutMs: 1000,
  });
  connection.on("state", (s) => states.push(s));
  connection.start();
  return connection;
}

const last = () => sockets.at(-1)!;

beforeEach(() => {
  sockets = [];
  states = [];
  mock.timers.enable({ apis: ["setTimeout"] });
});
afterEach(() => mock.timers.reset());

test("the handshake is the first frame; queued frames follow only once the server answered", () => {
  const c = connect();
  c.send({ type: "SCANS_SINCE", seq: 0 });
  last().open();
  assert.deepEqual(last().sent, [{ sessionId, desktopToken: "secret" }]);
  last().deliver(waiting);
  assert.equal(c.state, "ready");
  assert.deepEqual(last().sent.slice(1), [{ type: "SCANS_SINCE", seq: 0 }]);
  c.send({ type: "CLOSE_SESSION" });
  assert.equal(last().sent.length, 3);
});

test("an ACK settles the request with the same id", async () => {
  const c = connect();
  last().open();
  last().deliver(waiting);
  const reply = c.request({ type: "SET_MULTI_PHONE", id: "m1", allow: true });
  assert.deepEqual(last().sent.at(-1), { type: "SET_MULTI_PHONE", id: "m1", allow: true });
  last().deliver({ type: "ACK", id: "other" });
  last().deliver({ type: "ACK", id: "m1" });
  assert.deepEqual(await reply, { type: "ACK", id: "m1" });
});

test("a request without an ACK times out and leaves the queue", async () => {
  const c = connect();
  const reply = c.request({ type: "SCANS_SINCE", id: "q1", seq: 3 });
  mock.timers.tick(1000);
  await assert.rejects(reply, (e: unknown) => e instanceof AckFailure && e.reason === "timeout");
  last().open();
  last().deliver(waiting);
  assert.deepEqual(last().sent, [{ sessionId, desktopToken: "secret" }], "the timed-out frame is not sent late");
});

test("a drop rejects what was in flight, keeps the queue, and reconnects after the backoff", async () => {
  const c = connect(() => 0.5);
  last().open();
  last().deliver(waiting);
  const inFlight = c.request({ type: "SET_MULTI_PHONE", id: "a", allow: true });
  last().drop();
  await assert.rejects(inFlight, (e: unknown) => e instanceof AckFailure && e.reason === "disconnected");
  assert.equal(c.state, "retrying");
  c.send({ type: "SCANS_SINCE", seq: 1 });
  mock.timers.tick(249);
  assert.equal(sockets.length, 1);
  mock.timers.tick(1);
  assert.equal(sockets.length, 2, "first retry after 0.5 × 500 ms");
  last().drop();
  mock.timers.tick(499);
  assert.equal(sockets.length, 2);
  mock.timers.tick(1);
  assert.equal(sockets.length, 3, "second retry after 0.5 × 1000 ms");
  last().open();
  last().deliver(waiting);
  assert.deepEqual(last().sent, [
    { sessionId, desktopToken: "secret" },
    { type: "SCANS_SINCE", seq: 1 },
  ]);
  assert.deepEqual(states, ["connecting", "ready", "retrying", "connecting", "retrying", "connecting", "ready"]);
});

test("a dead credential stops reconnecting", () => {
  const c = connect();
  const fatal: string[] = [];
  c.on("fatal", (e) => fatal.push(e.code));
  last().open();
  last().deliver({ type: "ERROR", error: { code: "PAIR_DESKTOP_TOKEN_INVALID", message: "no" } });
  last().drop(4000);
  mock.timers.tick(60_000);
  assert.equal(sockets.length, 1);
  assert.equal(c.state, "stopped");
  assert.deepEqual(fatal, ["PAIR_DESKTOP_TOKEN_INVALID"]);
});

test("a passing error reconnects", () => {
  const c = connect();
  last().open();
  last().deliver({ type: "ERROR", error: { code: "HANDSHAKE_TIMEOUT", message: "slow" } });
  last().drop(4000);
  assert.equal(c.state, "retrying");
  assert.equal(c.lastError?.code, "HANDSHAKE_TIMEOUT");
});

test("the end of the session stops reconnecting", () => {
  const c = connect();
  last().open();
  last().deliver(waiting);
  last().deliver({ type: "EXPIRED", sessionId });
  last().drop(1000);
  assert.equal(c.state, "stopped");
  const c2 = connect();
  last().open();
  last().drop(4001);
  assert.equal(c2.state, "stopped");
});

test("unparseable events are logged and ignored", () => {
  const warn = mock.method(console, "warn", () => {});
  const c = connect();
  const seen: string[] = [];
  c.on("event", (e) => seen.push(e.type));
  last().open();
  last().deliver("not json");
  last().deliver({ type: "NOPE" });
  last().deliver({ type: "WAITING", sessionId });
  assert.equal(c.state, "connecting");
  last().deliver(waiting);
  assert.deepEqual(seen, ["WAITING"]);
  assert.equal(warn.mock.callCount(), 3);
  warn.mock.restore();
});

test("setHandshake changes what the next connect sends", () => {
  const c = connect();
  last().open();
  c.setHandshake({ sessionId, phoneToken: "p" });
  last().drop();
  c.retryNow();
  last().open();
  assert.deepEqual(last().sent, [{ sessionId, phoneToken: "p" }]);
});

test("stop closes the socket and rejects pending requests", async () => {
  const c = connect();
  const reply = c.request({ type: "CLOSE_SESSION", id: "z" });
  c.stop();
  await assert.rejects(reply, (e: unknown) => e instanceof AckFailure && e.reason === "stopped");
  assert.equal(last().closed, true);
  mock.timers.tick(60_000);
  assert.equal(sockets.length, 1);
});
