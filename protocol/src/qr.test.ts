import assert from "node:assert/strict";
import { test } from "node:test";
import { pairingUrl, parsePairingQr, socketUrl } from "./qr.ts";
import { PairingCode } from "./pairing.ts";

const sid = "7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f";

test("the URL form round-trips", () => {
  const url = pairingUrl("http://192.168.1.5:3000/", sid, "a.b.c");
  assert.equal(url, `http://192.168.1.5:3000/pair#sid=${sid}&t=a.b.c`);
  assert.deepEqual(parsePairingQr(url), { sessionId: sid, token: "a.b.c", server: "http://192.168.1.5:3000" });
});

test("each server gets its own base, and any token survives the round trip", () => {
  for (const [server, token] of [
    ["https://a.example/x/", "t+/=&#%é"],
    ["ws://b.example:81", "a.b.c"],
    ["https://a.example/x/", "a b"],
  ] as const) {
    assert.deepEqual(parsePairingQr(pairingUrl(server, sid, token)), { sessionId: sid, token, server: server.replace(/^ws/, "http").replace(/\/$/, "") });
  }
});

test("the seed's JSON form is accepted and its ws:// server normalised", () => {
  const text = JSON.stringify({ sessionId: sid, token: "jwt", server: "ws://localhost:4000" });
  assert.deepEqual(parsePairingQr(text), { sessionId: sid, token: "jwt", server: "http://localhost:4000" });
});

test("a server under a path prefix keeps its prefix", () => {
  const parsed = parsePairingQr(`https://example.test/easyqr/pair#sid=${sid}&t=x`);
  assert.equal(parsed?.server, "https://example.test/easyqr");
});

test("garbage is refused without throwing", () => {
  const garbage = [
    "",
    "hello",
    "{",
    "{}",
    "null",
    "[1,2]",
    JSON.stringify({ sessionId: "not-a-uuid", token: "t", server: "http://x" }),
    JSON.stringify({ sessionId: sid, token: "", server: "http://x" }),
    JSON.stringify({ sessionId: sid, token: "t", server: "not a url" }),
    `http://x/pair#sid=${sid}`,
    `http://x/other#sid=${sid}&t=x`,
    `javascript:alert(1)//pair#sid=${sid}&t=x`,
    `ftp://x/pair#sid=${sid}&t=x`,
    "x".repeat(10_000),
  ];
  for (const text of garbage) assert.equal(parsePairingQr(text), null, text.slice(0, 60));
});

test("socketUrl picks ws or wss from the server's scheme", () => {
  assert.equal(socketUrl("http://h:1"), "ws://h:1/ws");
  assert.equal(socketUrl("https://h/base/"), "wss://h/base/ws");
});

test("pairing codes are normalised: case, dashes, look-alike letters", () => {
  assert.equal(PairingCode.parse("abcd-efgh"), "ABCDEFGH");
  assert.equal(PairingCode.parse(" o1il 2345 "), "01112345");
  assert.equal(PairingCode.safeParse("ABCDEFG").success, false);
  assert.equal(PairingCode.safeParse("ABCDEFGU").success, false);
});
