import assert from "node:assert/strict";
import { test } from "node:test";
import { scannerUrl } from "./scannerUrl.ts";

test("the phone's scanner address comes from the QR's server", () => {
  assert.equal(scannerUrl("http://192.168.1.5:3000/pair#sid=x&t=y"), "http://192.168.1.5:3000/scan");
  assert.equal(scannerUrl("https://example.test/easyqr/pair#sid=x&t=y"), "https://example.test/easyqr/scan");
  assert.equal(scannerUrl("nonsense"), "/scan");
});
