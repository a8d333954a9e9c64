import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { WebSocketServer, type WebSocket } from "ws";
import { backoffMs, openSignedIn, type HandshakeOptions } from "./handshake.ts";

/** A server whose answer to each handshake, in turn, is the next of `answers` (AUTHENTICATED once they run out). */
type Answer = "timeout" | "drop" | "revoked" | "silent";
let answers: Answer[] = [];
let tries = 0;
let server: Server;
let url: string;

before(async () => {
  server = createServer();
  const wss = new WebSocketServer({ server, path: "/ws" });
  wss.on("connection", (ws: WebSocket) =>
    ws.once("message", () => {
      tries++;
      const answer = answers.shift();
      if (answer === "silent") return;
      if (answer === "drop") return ws.terminate();
      if (answer === undefined) return ws.send(JSON.stringify({ type: "AUTHENTICATED" }));
      const code = answer === "timeout" ? "HANDSHAKE_TIMEOUT" : "AUTH_SESSION_REVOKED";
      ws.send(JSON.stringify({ type: "ERROR", error: { code, message: code } }));
      ws.close(4000);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const quick: HandshakeOptions = { tries: 4, answerMs: 300, backoffMs: () => 10 };

function open(expected: Answer[], options = quick) {
  answers = expected;
  tries = 0;
  const retries = new Map<string, number>();
  const opened = openSignedIn(url, "token", "127.0.0.1", retries, options);
  return { opened, retries };
}

test("a timed-out, dropped or unanswered handshake is tried again, and each retry is counted by reason", async () => {
  const { opened, retries } = open(["timeout", "drop", "silent"]);
  const ws = await opened;
  ws.close();
  assert.equal(tries, 4);
  assert.deepEqual(Object.fromEntries(retries), {
    "handshake: HANDSHAKE_TIMEOUT": 1,
    "closed (1006) before AUTHENTICATED": 1,
    "no AUTHENTICATED within 0.3 s": 1,
  });
});

test("a refusal that is an answer (the session is gone) is not tried again", async () => {
  const { opened, retries } = open(["revoked", "timeout"]);
  await assert.rejects(opened, /handshake: AUTH_SESSION_REVOKED/);
  assert.equal(tries, 1);
  assert.equal(retries.size, 0);
});

test("after its last try the socket is given up, with the last reason", async () => {
  const { opened, retries } = open(["timeout", "timeout", "timeout", "timeout", "timeout"]);
  await assert.rejects(opened, /not open after 4 tries: handshake: HANDSHAKE_TIMEOUT/);
  assert.equal(tries, 4);
  assert.deepEqual(Object.fromEntries(retries), { "handshake: HANDSHAKE_TIMEOUT": 3 });
});

test("a refused connection (no node listening) is tried again too", async () => {
  const retries = new Map<string, number>();
  const free = createServer();
  await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
  const port = (free.address() as AddressInfo).port;
  await new Promise<void>((resolve) => free.close(() => resolve()));
  await assert.rejects(openSignedIn(`http://127.0.0.1:${port}`, "token", "127.0.0.1", retries, { ...quick, tries: 2 }), /ECONNREFUSED/);
  assert.equal(
    [...retries.values()].reduce((a, b) => a + b, 0),
    1,
  );
});

test("backoff: full jitter under an exponential cap of 15 s", () => {
  assert.equal(
    backoffMs(0, () => 0.999),
    499,
  );
  assert.equal(
    backoffMs(3, () => 0.5),
    2000,
  );
  assert.equal(
    backoffMs(10, () => 0.999),
    14_985,
  );
  assert.equal(
    backoffMs(4, () => 0),
    0,
  );
});
