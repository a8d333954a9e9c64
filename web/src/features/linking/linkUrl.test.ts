import assert from "node:assert/strict";
import { test } from "node:test";
import { linkPagePath, parseLinkFragment, parseLinkUrl } from "./linkUrl.ts";

const ref = "AbCdEfGhIjKlMnOpQrStUv";
const fp = "x".repeat(42) + "_";

test("a link QR of this server is recognized; the fragment keeps ref and fingerprint apart", () => {
  assert.deepEqual(parseLinkUrl(`https://chat.example/link#${ref}.${fp}`, "https://chat.example"), { ref, fp });
  assert.deepEqual(parseLinkFragment(`#${ref}.${fp}`), { ref, fp });
  assert.equal(linkPagePath({ ref, fp }), `/link#${ref}.${fp}`);
});

test("other servers, other paths, broken or oversized fragments are not links", () => {
  assert.equal(parseLinkUrl(`https://evil.example/link#${ref}.${fp}`, "https://chat.example"), null);
  assert.equal(parseLinkUrl(`https://chat.example/pair#${ref}.${fp}`, "https://chat.example"), null);
  assert.equal(parseLinkUrl(`https://chat.example/link#${ref}`, "https://chat.example"), null);
  assert.equal(parseLinkUrl(`https://chat.example/link#${ref}.${fp}x`, "https://chat.example"), null, "a fingerprint is 43 characters");
  assert.equal(parseLinkUrl("not a url", "https://chat.example"), null);
  assert.equal(parseLinkFragment(`#${"a".repeat(500)}.${fp}`), null);
  assert.equal(parseLinkFragment(`#${ref}.${fp.slice(0, 42)}+`), null);
});
