import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(async () => {
  const dist = mkdtempSync(join(tmpdir(), "easyqr-dist-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>EasyQR</title>");
  writeFileSync(join(dist, "assets", "app-abc123.js"), "console.log(1)");
  server = await startServer({ webDist: dist });
});
after(() => server.close());

const html = { accept: "text/html,application/xhtml+xml" };

test("every page of the app loads on a reload: index.html for browser navigations", async () => {
  for (const path of ["/", "/desktop", "/scan", "/pair", "/home", "/settings", "/sign-in/code", "/onboarding"]) {
    const response = await fetch(`${server.url}${path}`, { headers: html });
    assert.equal(response.status, 200, path);
    assert.match(await response.text(), /<title>EasyQR/, path);
    assert.equal(response.headers.get("cache-control"), "no-cache");
  }
});

test("hashed assets are cached for good; missing files, API paths and non-browser requests get the JSON 404", async () => {
  const asset = await fetch(`${server.url}/assets/app-abc123.js`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get("cache-control") ?? "", /immutable/);
  for (const [path, headers] of [
    ["/assets/missing.js", html],
    ["/api/nope", html],
    ["/health/x", html],
    ["/home", { accept: "application/json" }],
  ] as const) {
    const response = await fetch(`${server.url}${path}`, { headers });
    assert.equal(response.status, 404, path);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, "NOT_FOUND", path);
  }
});
