import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { ErrorEnvelope } from "@easyqr/protocol";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

type Answer = { status: number; code: string; text: string };

/** One request through fetch; the answer must be the one error shape. */
async function request(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  const { error } = ErrorEnvelope.parse(JSON.parse(text));
  assert.ok(!text.includes("    at "), "no stack trace");
  return { status: response.status, code: error.code, text };
}

/**
 * One raw request over TCP: the server may answer and close before a client like fetch finished
 * writing a large head, so read whatever comes back until the server closes the connection.
 */
function rawRequest(head: string): Promise<Answer> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    // The server closes while this side may still be writing: a reset after its answer is expected.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1]);
      try {
        const { error } = ErrorEnvelope.parse(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)));
        resolve({ status, code: error.code, text });
      } catch (error) {
        reject(new Error(`not the one error shape: ${text.slice(0, 300)}`, { cause: error }));
      }
    });
    socket.write(head);
  });
}

describe("errors Fastify and Node raise themselves come out in the one shape", () => {
  test("unparseable JSON is BAD_REQUEST (400)", async () => {
    const answer = await request("/create-session", { method: "POST", body: "{bad json", headers: { "content-type": "application/json" } });
    assert.deepEqual([answer.status, answer.code], [400, "BAD_REQUEST"]);
  });

  test("an empty JSON body is BAD_REQUEST (400)", async () => {
    const answer = await request("/api/auth/request-code", { method: "POST", headers: { "content-type": "application/json" } });
    assert.deepEqual([answer.status, answer.code], [400, "BAD_REQUEST"]);
  });

  test("a JSON body over 64 KB is BODY_TOO_LARGE (413)", async () => {
    const body = JSON.stringify({ email: "x".repeat(70_000) });
    const answer = await request("/api/auth/request-code", { method: "POST", body, headers: { "content-type": "application/json" } });
    assert.deepEqual([answer.status, answer.code], [413, "BODY_TOO_LARGE"]);
  });

  test("a content type no route takes is UNSUPPORTED_MEDIA_TYPE (415)", async () => {
    const answer = await request("/api/auth/request-code", {
      method: "POST",
      body: "email=a@b.c",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.deepEqual([answer.status, answer.code], [415, "UNSUPPORTED_MEDIA_TYPE"]);
  });

  test("multipart is taken by the upload routes only: elsewhere it is UNSUPPORTED_MEDIA_TYPE (415), as any other type", async () => {
    const form = new FormData();
    form.append("email", "a@b.c");
    const answer = await request("/api/auth/request-code", { method: "POST", body: form });
    assert.deepEqual([answer.status, answer.code], [415, "UNSUPPORTED_MEDIA_TYPE"]);
  });

  test("a path parameter over 100 characters is URI_TOO_LONG (414), without the path repeated", async () => {
    const long = "a".repeat(2_000);
    const answer = await request(`/api/users/by-username/${long}`);
    assert.deepEqual([answer.status, answer.code], [414, "URI_TOO_LONG"]);
    assert.ok(!answer.text.includes(long));
  });

  test("a bad percent-encoding in the path is BAD_REQUEST (400)", async () => {
    const answer = await request("/api/users/by-username/%E0%A4%A");
    assert.deepEqual([answer.status, answer.code], [400, "BAD_REQUEST"]);
  });

  test("a 100 KB URL is HEADERS_TOO_LARGE (431): Node's parser refuses a head over 16 KB", async () => {
    const answer = await rawRequest(`GET /api/users/by-username/${"a".repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    assert.deepEqual([answer.status, answer.code], [431, "HEADERS_TOO_LARGE"]);
    assert.match(answer.text, /x-content-type-options: nosniff/i);
  });

  test("a 100 KB header is HEADERS_TOO_LARGE (431)", async () => {
    const answer = await rawRequest(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${"c".repeat(100_000)}\r\n\r\n`);
    assert.deepEqual([answer.status, answer.code], [431, "HEADERS_TOO_LARGE"]);
  });

  test("a request that is not HTTP is BAD_REQUEST (400)", async () => {
    const answer = await rawRequest("HELLO THERE\r\n\r\n");
    assert.deepEqual([answer.status, answer.code], [400, "BAD_REQUEST"]);
  });

  test("each was logged as a refusal, not as a failure, and the server still serves", async () => {
    assert.ok(server.logs.some((l) => l.msg === "request refused by the HTTP parser" && l.level === 30));
    assert.ok(!server.logs.some((l) => l.level >= 50), "nothing at error level");
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });
});
