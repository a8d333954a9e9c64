import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type WebSocket from "ws";
import { startServer, testNodes, type TestServer } from "./support/harness.ts";
import { createSession, TestSocket } from "./support/client.ts";

let server: TestServer;
before(async () => (server = await startServer({ env: { PUBLIC_URL: "https://chat.example.com", ALLOWED_ORIGINS: "http://localhost:5173" } })));
after(() => server.close());

/** A desktop handshake through a socket opened with these options: WAITING, or the error that closed it. */
async function desktopHello(options: WebSocket.ClientOptions): Promise<string> {
  const session = await createSession(server.url);
  const socket = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken }, options);
  try {
    return await socket.next("WAITING").then(
      () => "WAITING",
      () => socket.failure(),
    );
  } finally {
    socket.close();
  }
}

describe("the socket's Origin check takes allowed origins from configuration, never from the request", () => {
  const host = () => new URL(server.url).host;

  test("a page of another site is refused even when it sends our Host header", async () => {
    assert.equal(await desktopHello({ origin: "http://evil.example", headers: { host: host() } }), "ORIGIN_FORBIDDEN");
  });

  test("a DNS-rebinding page (its name now pointing at us, Origin and Host alike) is refused", async () => {
    const rebound = `evil.example:${new URL(server.url).port}`;
    assert.equal(await desktopHello({ origin: `http://${rebound}`, headers: { host: rebound } }), "ORIGIN_FORBIDDEN");
    assert.ok(server.logs.some((l) => l.msg === "socket refused: origin not allowed" && l.origin === `http://${rebound}`));
  });

  test("PUBLIC_URL's origin passes", async () => {
    assert.equal(await desktopHello({ origin: "https://chat.example.com" }), "WAITING");
  });

  test("an origin from ALLOWED_ORIGINS passes", async () => {
    assert.equal(await desktopHello({ origin: "http://localhost:5173" }), "WAITING");
  });

  const ownPort = testNodes() > 1 && "each node allows its own listening port; the cluster suite's URL is its proxy's";
  test("the server's own port on loopback passes (the URL it prints, the desktop app, the tests' pages)", { skip: ownPort }, async () => {
    const { port } = new URL(server.url);
    for (const hostname of ["localhost", "127.0.0.1", "[::1]"]) {
      assert.equal(await desktopHello({ origin: `http://${hostname}:${port}` }), "WAITING", hostname);
    }
    assert.equal(await desktopHello({ origin: "http://localhost:1" }), "ORIGIN_FORBIDDEN");
  });

  test("a client without Origin (not a browser page: tools, the benchmark) passes", async () => {
    assert.equal(await desktopHello({}), "WAITING");
  });
});
