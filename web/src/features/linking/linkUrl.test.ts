import assert from "node:assert/strict";
import { test } from "node:test";
import { linkPagePath, parseLinkUrl } from "./linkUrl.ts";

const ref = "AbCdEfGhIjKlMnOpQrStUv";
const fingerprint = "x".repeat(42) + "_";

test("a link QR of this server is recognized and opens the approval page with ref and fingerprint", () => {
  const link = parseLinkUrl(`https://chat.example/link#${ref}.${fingerprint}`, "https://chat.example");
  assert.deepEqual(link, { ref, fingerprint });
  assert.equal(link && linkPagePath(link), `/link#${ref}.${fingerprint}`);
});

test("other servers, other paths, broken fragments are not this server's links", () => {
  assert.equal(parseLinkUrl(`https://evil.example/link#${ref}.${fingerprint}`, "https://chat.example"), null);
  assert.equal(parseLinkUrl(`https://chat.example/pair#${ref}.${fingerprint}`, "https://chat.example"), null);
  assert.equal(parseLinkUrl(`https://chat.example/link#${ref}`, "https://chat.example"), null);
  assert.equal(parseLinkUrl(`https://chat.example/link#${ref}.${fingerprint}x`, "https://chat.example"), null);
  assert.equal(parseLinkUrl("not a url", "https://chat.example"), null);
});
