import assert from "node:assert/strict";
import { test } from "node:test";
import { contactUrl, parseContactQr, parsePairingQr } from "./qr.ts";

const token = "AbCdEfGhIjKlMnOpQrStUv";

test("a My QR URL round-trips", () => {
  const url = contactUrl("http://192.168.1.5:3000/", token);
  assert.equal(url, `http://192.168.1.5:3000/add#t=${token}`);
  assert.deepEqual(parseContactQr(url), { token, server: "http://192.168.1.5:3000" });
});

test("a server under a path prefix keeps its prefix; whitespace and a trailing slash are fine", () => {
  assert.deepEqual(parseContactQr(`  https://example.test/easyqr/add/#t=${token}\n`), { token, server: "https://example.test/easyqr" });
});

test("pairing QRs and contact QRs are never mistaken for each other", () => {
  const pairing = `http://h:1/pair#sid=7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f&t=a.b.c`;
  assert.equal(parseContactQr(pairing), null);
  assert.equal(parsePairingQr(contactUrl("http://h:1", token)), null);
});

test("garbage is refused without throwing", () => {
  const garbage = [
    "",
    "hello",
    `{"token":"${token}"}`,
    `http://x/add`,
    `http://x/add#t=`,
    `http://x/add#t=short`,
    `http://x/add#t=${token}!`,
    `http://x/add#t=${"a".repeat(65)}`,
    `http://x/other#t=${token}`,
    `http://x/addx#t=${token}`,
    `javascript:alert(1)//add#t=${token}`,
    `ftp://x/add#t=${token}`,
    `http://x/add?t=${token}`,
    "x".repeat(10_000),
  ];
  for (const text of garbage) assert.equal(parseContactQr(text), null, text.slice(0, 60));
});
