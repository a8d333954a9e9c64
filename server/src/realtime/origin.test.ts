import assert from "node:assert/strict";
import { test } from "node:test";
import { allowedOrigins, originAllowed } from "./origin.ts";

const allowed = allowedOrigins({
  listening: "http://0.0.0.0:3000",
  publicUrl: "https://chat.example.com/",
  addresses: ["192.168.1.5", "[2001:db8::5]"],
  extra: ["http://localhost:5173", "https://other.example:8443/some/path"],
});

test("the public URL, loopback and this machine's addresses at our port, and ALLOWED_ORIGINS pass", () => {
  for (const origin of [
    "https://chat.example.com",
    "http://localhost:3000",
    "http://127.0.0.1:3000",
    "http://[::1]:3000",
    "http://192.168.1.5:3000",
    "http://[2001:db8::5]:3000",
    "http://localhost:5173",
    "https://other.example:8443",
    "HTTP://LOCALHOST:3000",
  ]) {
    assert.equal(originAllowed(origin, allowed), true, origin);
  }
});

test("no Origin (not a browser page) passes", () => {
  assert.equal(originAllowed(undefined, allowed), true);
});

test("other sites, other ports, other schemes, opaque and garbled origins fail", () => {
  for (const origin of [
    "http://evil.example",
    "http://evil.example:3000",
    "http://localhost:3001",
    "https://localhost:3000",
    "http://chat.example.com",
    "http://192.168.1.6:3000",
    "null",
    "not a url",
  ]) {
    assert.equal(originAllowed(origin, allowed), false, origin);
  }
});

test("the scheme and port come from where the server listens", () => {
  const tls = allowedOrigins({ listening: "https://127.0.0.1:8443", publicUrl: "https://192.168.1.5:8443", addresses: [], extra: [] });
  assert.deepEqual([...tls].sort(), ["https://127.0.0.1:8443", "https://192.168.1.5:8443", "https://[::1]:8443", "https://localhost:8443"]);
});
