import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { startServer, type TestServer } from "./support/harness.ts";
import { createSession, pair, TestSocket } from "./support/client.ts";

let server: TestServer;
before(async () => (server = await startServer({ handshakeTimeoutMs: 300, heartbeatMs: 200, pairingLimits: { maxPendingPerIp: 3 } })));
after(() => server.close());

/** After any abuse the server still pairs a phone with a desktop. */
async function stillServing(): Promise<void> {
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
  const { desktop, phone } = await pair(server.url);
  phone.close();
  desktop.close();
  await desktop.waitClosed();
  await phone.waitClosed();
}

describe("sockets", () => {
  test("a page of another origin cannot open a socket; our own origin can", async () => {
    const foreign = await TestSocket.open(server.url, { origin: "http://evil.example" });
    foreign.send({ code: "ABCD-EFGH" });
    assert.equal(await foreign.failure(), "ORIGIN_FORBIDDEN");
    assert.equal(foreign.events.length, 1, "nothing but the error");
    const own = await TestSocket.open(server.url, { origin: server.url });
    own.close();
    assert.ok(server.logs.some((l) => l.msg === "socket refused: origin not allowed"));
  });

  test("sockets elsewhere than /ws are refused", async () => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/other`);
    await new Promise((resolve) => ws.once("error", resolve));
  });

  test("malformed handshakes each get a clear error and the server keeps serving", async () => {
    const cases: [unknown, string][] = [
      ["not json", "FRAME_INVALID"],
      [{}, "HANDSHAKE_INVALID"],
      [[], "HANDSHAKE_INVALID"],
      [null, "HANDSHAKE_INVALID"],
      [{ sessionId: "x", token: "y" }, "HANDSHAKE_INVALID"],
      [{ sessionId: crypto.randomUUID(), token: "y", extra: 1 }, "HANDSHAKE_INVALID"],
      [{ code: 12345678 }, "HANDSHAKE_INVALID"],
      [{ type: "SCAN", scan: {} }, "HANDSHAKE_INVALID"],
    ];
    for (const [frame, code] of cases) {
      const socket = await TestSocket.open(server.url);
      socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
      assert.equal(await socket.failure(), code, JSON.stringify(frame));
    }
    const binary = await TestSocket.open(server.url);
    binary.ws.send(Buffer.from([1, 2, 3]));
    assert.equal(await binary.failure(), "FRAME_INVALID");
    await stillServing();
  });

  test("a frame over 64 KB closes that socket with 1009; others are unaffected", async () => {
    const { desktop, phone } = await pair(server.url);
    phone.send({ type: "SCAN", scan: { id: "big", text: "x".repeat(70_000), format: "QRCode", scannedAt: 1 } });
    assert.equal((await phone.waitClosed()).code, 1009);
    desktop.send({ type: "SCANS_SINCE", id: "still-here", seq: 0 });
    assert.equal((await desktop.next("ACK")).id, "still-here");
    desktop.close();
    await stillServing();
  });

  test("a socket that never says hello is closed with HANDSHAKE_TIMEOUT", async () => {
    const silent = await TestSocket.open(server.url);
    assert.equal(await silent.failure(), "HANDSHAKE_TIMEOUT");
  });

  test("a socket that stops answering pings is terminated and its peer told", async () => {
    const session = await createSession(server.url);
    const desktop = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    await desktop.next("WAITING");
    const phone = await TestSocket.hello(server.url, { sessionId: session.sessionId, token: session.token }, { autoPong: false });
    await phone.next("CONNECTED");
    await desktop.next("CONNECTED");
    await desktop.next("PEER_LEFT", 2000);
    assert.equal((await phone.waitClosed()).code, 1006);
    desktop.close();
  });

  test("a frame sent before the handshake is answered is refused", async () => {
    const session = await createSession(server.url);
    const socket = await TestSocket.open(server.url);
    socket.send({ sessionId: session.sessionId, desktopToken: session.desktopToken });
    socket.send({ sessionId: session.sessionId, desktopToken: session.desktopToken });
    assert.equal(await socket.failure(), "HANDSHAKE_INVALID");
  });

  test("bad frames after the handshake are answered and the socket stays open", async () => {
    const { desktop, phone } = await pair(server.url);
    const frames: [string, string][] = [
      ["{", "FRAME_INVALID"],
      [JSON.stringify({ type: "NOPE" }), "VALIDATION"],
      [JSON.stringify({ type: "SCANS_SINCE", seq: -1 }), "VALIDATION"],
    ];
    for (const [frame, code] of frames) {
      desktop.send(frame);
      assert.equal((await desktop.next("ERROR")).error.code, code, frame);
    }
    assert.equal(desktop.closed, undefined);
    desktop.close();
    phone.close();
  });
});

describe("limits", () => {
  test("pending sessions per IP are capped with 429 RATE_LIMITED", async () => {
    const limited = await startServer({ pairingLimits: { maxPendingPerIp: 3 } });
    try {
      for (let i = 0; i < 3; i++) await createSession(limited.url);
      const response = await fetch(`${limited.url}/create-session`, { method: "POST" });
      assert.equal(response.status, 429);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, "RATE_LIMITED");
    } finally {
      await limited.close();
    }
  });

  test("guessing codes is slowed down per IP", async () => {
    const limited = await startServer({ handshakeFailuresPerMinute: 5 });
    try {
      for (let i = 0; i < 5; i++) {
        const guess = await TestSocket.hello(limited.url, { code: "ABCD-EFGH" });
        assert.equal(await guess.failure(), "PAIR_CODE_INVALID");
      }
      const blocked = await TestSocket.hello(limited.url, { code: "ABCD-EFGH" });
      assert.equal(await blocked.failure(), "RATE_LIMITED");
    } finally {
      await limited.close();
    }
  });

  test("a burst of wrong codes from many addresses holds every address to a few a minute; right codes still pair at once", async () => {
    const limited = await startServer({ pairingLimits: { wrongCodesPerMinute: 10, wrongCodesPerIpInBurst: 2 } });
    const typeFrom = async (localAddress: string, code: string) => (await TestSocket.hello(limited.url, { code }, { localAddress })).outcome();
    try {
      // Below the global cap an address may miss more than its burst share (the gateway allows 30).
      for (let i = 0; i < 3; i++) assert.equal(await typeFrom("127.0.2.1", "ZZZZ-ZZZZ"), "PAIR_CODE_INVALID");
      for (let n = 2; n <= 8; n++) assert.equal(await typeFrom(`127.0.2.${n}`, "ZZZZ-ZZZZ"), "PAIR_CODE_INVALID");
      assert.ok(!limited.logs.some((l) => l.msg.startsWith("pairing: burst")), "10 wrong codes are not a burst yet");
      // The 11th starts the burst, and it is logged once.
      assert.equal(await typeFrom("127.0.2.9", "ZZZZ-ZZZZ"), "PAIR_CODE_INVALID");
      assert.equal(limited.logs.filter((l) => l.msg.startsWith("pairing: burst")).length, 1);
      // Now every address that has missed twice this minute waits; one that missed once has one more.
      assert.equal(await typeFrom("127.0.2.1", "ZZZZ-ZZZZ"), "RATE_LIMITED");
      assert.equal(await typeFrom("127.0.2.9", "ZZZZ-ZZZZ"), "PAIR_CODE_INVALID");
      assert.equal(await typeFrom("127.0.2.9", "ZZZZ-ZZZZ"), "RATE_LIMITED");
      assert.equal(limited.logs.filter((l) => l.msg.startsWith("pairing: burst")).length, 1);
      // A person typing the right code pairs at once, from a fresh address or from one that missed once.
      for (const localAddress of ["127.0.2.20", "127.0.2.2"]) {
        const session = await createSession(limited.url);
        const desktop = await TestSocket.hello(limited.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
        await desktop.next("WAITING");
        assert.equal(await typeFrom(localAddress, session.qr.code), "CONNECTED");
        desktop.close();
      }
    } finally {
      await limited.close();
    }
  });
});

describe("HTTP input", () => {
  test("bad bodies get one error shape and no stack trace", async () => {
    const bodies: [string, string | undefined][] = [
      ["{bad json", "application/json"],
      [JSON.stringify({ allowMultiplePhones: "yes" }), "application/json"],
      [JSON.stringify({ unknown: true }), "application/json"],
      [JSON.stringify([1]), "application/json"],
      ["x".repeat(70_000), "application/json"],
      ["hello", "text/plain"],
    ];
    for (const [body, type] of bodies) {
      const response = await fetch(`${server.url}/create-session`, { method: "POST", body, headers: type ? { "content-type": type } : {} });
      assert.ok(response.status >= 400 && response.status < 500, `${response.status} for ${body.slice(0, 20)}`);
      const json = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(typeof json.error.code, "string");
      assert.equal(typeof json.error.message, "string");
      assert.ok(!JSON.stringify(json).includes("    at "), "no stack trace");
    }
    const missing = await fetch(`${server.url}/no/such/thing`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
  });
});
