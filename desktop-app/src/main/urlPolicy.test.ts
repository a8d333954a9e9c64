import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfig } from "./config.ts";
import { externalLinkTarget, isAllowedNavigation, isDesktopUrl, isServerUrl } from "./urlPolicy.ts";

const local = parseConfig({ argv: [], env: {} });
const mounted = parseConfig({ argv: ["--server=https://example.test/easyqr"], env: {} });

test("navigation stays on the configured server", () => {
  assert.ok(isAllowedNavigation("http://localhost:3000/desktop", local));
  assert.ok(isAllowedNavigation("http://localhost:3000/pair#sid=1&t=2", local));
  assert.ok(isAllowedNavigation("http://localhost:3000/", local));
});

test("any other origin is refused: host, port, scheme, look-alikes, other schemes", () => {
  for (const url of [
    "http://localhost:3001/desktop",
    "https://localhost:3000/desktop",
    "http://127.0.0.1:3000/desktop",
    "http://localhost.evil.test:3000/desktop",
    "http://evil.test/?u=http://localhost:3000",
    "http://localhost:3000@evil.test/desktop",
    "http://user:pw@localhost:3000/desktop",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/html,<h1>x</h1>",
    "about:blank",
    "not a url",
    "",
  ]) {
    assert.equal(isAllowedNavigation(url, local), false, url);
  }
});

test("a server under a base path only allows that path", () => {
  assert.ok(isServerUrl("https://example.test/easyqr/desktop", mounted));
  assert.ok(isServerUrl("https://example.test/easyqr", mounted));
  assert.equal(isServerUrl("https://example.test/easyqr-other/desktop", mounted), false);
  assert.equal(isServerUrl("https://example.test/desktop", mounted), false);
  assert.equal(isServerUrl("https://example.test/", mounted), false);
});

test("the window loads exactly <server>/desktop", () => {
  assert.ok(isDesktopUrl(local.desktopUrl, local));
  assert.ok(isDesktopUrl(mounted.desktopUrl, mounted));
  assert.ok(isDesktopUrl("http://localhost:3000/desktop?x=1#y", local));
  for (const url of [
    "http://localhost:3000/",
    "http://localhost:3000/desktop/../scan",
    "http://localhost:3000/desktops",
    "http://localhost:3000/desktop/x",
    "http://localhost:3001/desktop",
    "https://example.test/desktop",
  ]) {
    assert.equal(isDesktopUrl(url, url.startsWith("https://example") ? mounted : local), false, url);
  }
});

test("only http(s) links leave for the system browser", () => {
  assert.equal(externalLinkTarget("https://example.org/a?b=c"), "https://example.org/a?b=c");
  assert.equal(externalLinkTarget("http://example.org"), "http://example.org/");
  for (const url of [
    "file:///etc/passwd",
    "javascript:alert(1)",
    "mailto:a@example.org",
    "smb://host/share",
    "ms-settings:privacy",
    "vbscript:x",
    "data:text/html,x",
    "http://user:pw@example.org",
    "//example.org",
    "garbage",
  ]) {
    assert.equal(externalLinkTarget(url), null, url);
  }
});
