import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startServer, testNodes, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(async () => {
  const dist = mkdtempSync(join(tmpdir(), "easyqr-dist-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>EasyQR</title>");
  writeFileSync(join(dist, "assets", "app-abc123.js"), "console.log(1)");
  server = await startServer({ webDist: dist, env: { PUBLIC_URL: "https://chat.example.com", ALLOWED_ORIGINS: "http://localhost:5173" } });
});
after(() => server.close());

/** The policy's directives by name. */
function directives(policy: string | null): Map<string, string[]> {
  assert.ok(policy, "a Content-Security-Policy");
  return new Map(
    policy.split(";").map((d) => {
      const [name = "", ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe("security headers on every page and API answer", () => {
  const answers: [string, RequestInit][] = [
    ["/", { headers: { accept: "text/html" } }],
    ["/desktop", { headers: { accept: "text/html" } }],
    // The page a phone opens from a desktop's link QR: never inside someone else's frame (LINKING.md, case 10).
    ["/link", { headers: { accept: "text/html" } }],
    ["/api/link/claim", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }],
    ["/assets/app-abc123.js", {}],
    ["/health", {}],
    ["/api/openapi.json", {}],
    ["/api/users/me", {}],
    ["/api/nope", {}],
    ["/create-session", { method: "POST", body: "{bad", headers: { "content-type": "application/json" } }],
    [`/api/users/by-username/${"a".repeat(200)}`, {}],
  ];

  test("nosniff, no referrer, the camera for our own pages only, and the page policy", async () => {
    for (const [path, init] of answers) {
      const response = await fetch(`${server.url}${path}`, init);
      await response.arrayBuffer();
      const label = `${init.method ?? "GET"} ${path.slice(0, 40)} (${response.status})`;
      assert.equal(response.headers.get("x-content-type-options"), "nosniff", label);
      assert.equal(response.headers.get("referrer-policy"), "no-referrer", label);
      assert.match(response.headers.get("permissions-policy") ?? "", /(^|, )camera=\(self\)(,|$)/, label);
      assert.match(response.headers.get("permissions-policy") ?? "", /microphone=\(\)/, label);
      const csp = directives(response.headers.get("content-security-policy"));
      assert.deepEqual(csp.get("script-src"), ["'self'", "'wasm-unsafe-eval'"], label);
      assert.deepEqual(csp.get("frame-ancestors"), ["'none'"], label);
    }
  });

  const ownPort = testNodes() > 1 && "each node lists its own listening port; the cluster suite's URL is its proxy's";
  test("the page policy: nothing inline, images also from blob: and data:, sockets to the allowed origins", { skip: ownPort }, async () => {
    const csp = directives((await fetch(`${server.url}/`, { headers: { accept: "text/html" } })).headers.get("content-security-policy"));
    assert.deepEqual(csp.get("default-src"), ["'self'"]);
    assert.deepEqual(csp.get("style-src"), ["'self'"]);
    assert.deepEqual(csp.get("img-src"), ["'self'", "blob:", "data:"]);
    assert.deepEqual(csp.get("object-src"), ["'none'"]);
    assert.deepEqual(csp.get("base-uri"), ["'none'"]);
    const connect = csp.get("connect-src") ?? [];
    const { port } = new URL(server.url);
    for (const source of ["'self'", "wss://chat.example.com", "ws://localhost:5173", `ws://127.0.0.1:${port}`, `ws://localhost:${port}`]) {
      assert.ok(connect.includes(source), `connect-src has ${source}: ${connect.join(" ")}`);
    }
    assert.ok(![...csp.values()].flat().includes("'unsafe-inline'"), "no unsafe-inline");
    assert.ok(![...csp.values()].flat().includes("'unsafe-eval'"), "no unsafe-eval");
  });

  test("a route's own stricter policy stays: the API docs page (its inline style) may not be framed either", async () => {
    const docs = await fetch(`${server.url}/api/docs`);
    const csp = directives(docs.headers.get("content-security-policy"));
    assert.deepEqual(csp.get("default-src"), ["'none'"]);
    assert.deepEqual(csp.get("frame-ancestors"), ["'none'"]);
    assert.equal(docs.headers.get("x-content-type-options"), "nosniff");
  });
});
