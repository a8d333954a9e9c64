import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, DEFAULT_SERVER, parseConfig, serverArgument } from "./config.ts";

const parse = (argv: string[], env: Record<string, string | undefined> = {}) => parseConfig({ argv, env });

test("defaults to the local server's /desktop", () => {
  const config = parse([]);
  assert.equal(config.server, DEFAULT_SERVER);
  assert.equal(config.desktopUrl, "http://localhost:3000/desktop");
  assert.equal(config.origin, "http://localhost:3000");
  assert.equal(config.basePath, "");
  assert.equal(config.source, "default");
  assert.ok(Object.isFrozen(config));
});

test("EASYQR_SERVER sets the server; a blank value falls back to the default", () => {
  assert.equal(parse([], { EASYQR_SERVER: "https://chat.example.org" }).desktopUrl, "https://chat.example.org/desktop");
  assert.equal(parse([], { EASYQR_SERVER: "https://chat.example.org" }).source, "environment");
  assert.equal(parse([], { EASYQR_SERVER: "  " }).source, "default");
});

test("--server wins over the environment, in both spellings, last one wins", () => {
  const env = { EASYQR_SERVER: "http://env.test:1" };
  assert.equal(parse(["--server=http://arg.test:2"], env).server, "http://arg.test:2");
  assert.equal(parse(["--server", "http://arg.test:3"], env).server, "http://arg.test:3");
  assert.equal(parse(["--server=http://a.test", "--server=http://b.test"], env).server, "http://b.test");
  assert.equal(parse(["--server=http://arg.test"], env).source, "argument");
  assert.equal(serverArgument(["electron", ".", "--no-sandbox"]), undefined);
});

test("a base path is kept and trailing slashes are dropped", () => {
  const config = parse(["--server=https://example.test/easyqr/"]);
  assert.equal(config.server, "https://example.test/easyqr");
  assert.equal(config.basePath, "/easyqr");
  assert.equal(config.origin, "https://example.test");
  assert.equal(config.desktopUrl, "https://example.test/easyqr/desktop");
  assert.equal(parse(["--server=http://HOST.test:80/"]).server, "http://host.test");
});

test("anything but a plain http(s) URL is refused with a message naming its source", () => {
  for (const bad of [
    "ftp://example.test",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "ws://example.test",
    "localhost:3000",
    "not a url",
    "http://user:pw@example.test",
    "http://example.test/?q=1",
    "http://example.test/#x",
    "",
  ]) {
    assert.throws(() => parse([`--server=${bad}`]), ConfigError, bad);
  }
  assert.throws(() => parse(["--server"]), ConfigError);
  assert.throws(() => parse([], { EASYQR_SERVER: "ftp://x" }), /EASYQR_SERVER.*http:\/\/ or https:\/\//);
  assert.throws(() => parse(["--server=ftp://x"]), /--server/);
});
