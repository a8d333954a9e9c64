import assert from "node:assert/strict";
import { test } from "node:test";
import { LinkClaimRequest, LinkPublicKey, linkSignedData, linkUrl, parseLinkFragment, parseLinkQr, refreshSignedData } from "./linking.ts";
import { Handshake } from "./socket.ts";

const ref = "AAAAAAAAAAAAAAAAAAAAAA";
const fp = "B".repeat(43);

test("a link URL round-trips, under a path prefix too", () => {
  assert.equal(linkUrl("http://192.168.1.5:3000/", ref, fp), `http://192.168.1.5:3000/link#${ref}.${fp}`);
  assert.deepEqual(parseLinkQr(linkUrl("https://example.test/easyqr", ref, fp)), { server: "https://example.test/easyqr", ref, fingerprint: fp });
  assert.deepEqual(parseLinkFragment(`#${ref}.${fp}`), { ref, fingerprint: fp });
});

test("anything else is not a link QR", () => {
  for (const text of [
    `https://h/pair#${ref}.${fp}`,
    `https://h/link#${ref}`,
    `https://h/link#${ref}.${fp}.x`,
    `https://h/link#${ref}x.${fp}`,
    `https://h/link#${ref}.${fp.slice(1)}`,
    `ftp://h/link#${ref}.${fp}`,
    `https://h/link#${"A".repeat(5000)}`,
    "not a url",
  ]) {
    assert.equal(parseLinkQr(text), null, text);
  }
});

test("the signed strings are the contract's", () => {
  assert.equal(linkSignedData("L", "T"), "link:L.T");
  assert.equal(refreshSignedData("R", 1700000000000), "refresh:R.1700000000000");
});

test("a claim names a ref or a code, not both; the code is normalised like a pairing code", () => {
  assert.deepEqual(LinkClaimRequest.parse({ code: "abcd-efgh" }), { code: "ABCDEFGH" });
  assert.deepEqual(LinkClaimRequest.parse({ ref }), { ref });
  assert.equal(LinkClaimRequest.safeParse({ ref, code: "ABCDEFGH" }).success, false);
  assert.equal(LinkClaimRequest.safeParse({ ref: `${ref}=` }).success, false);
});

test("the link handshake is bounded", () => {
  const device = { name: "Firefox on Linux", platform: "Linux" };
  assert.ok(Handshake.safeParse({ link: { publicKey: "A".repeat(122), device } }).success);
  assert.equal(Handshake.safeParse({ link: { publicKey: "A".repeat(201), device } }).success, false);
  assert.equal(Handshake.safeParse({ link: { publicKey: "A".repeat(122) } }).success, false);
  assert.equal(LinkPublicKey.safeParse("A+/=".repeat(30)).success, false);
});
