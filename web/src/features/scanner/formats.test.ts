import assert from "node:assert/strict";
import { test } from "node:test";
import { BarcodeFormat } from "@easyqr/protocol";
import { fromNative, fromZxing, NATIVE_FORMATS, SCAN_FORMATS, formatLabel } from "./formats.ts";

test("every scanned format is a protocol format", () => {
  for (const f of SCAN_FORMATS) assert.ok(BarcodeFormat.safeParse(f).success, f);
  assert.equal(NATIVE_FORMATS.length, 13);
});

test("zxing variants fold into their family", () => {
  assert.equal(fromZxing("QRCode", "QRCode"), "QRCode");
  assert.equal(fromZxing("QRCodeModel2", "QRCode"), "QRCode");
  assert.equal(fromZxing("Code39Std", "Code39"), "Code39");
  assert.equal(fromZxing("ITF14", "ITF"), "ITF");
  assert.equal(fromZxing("CompactPDF417", "PDF417"), "PDF417");
  assert.equal(fromZxing("AztecCode", "Aztec"), "Aztec");
  assert.equal(fromZxing("ISBN", "EANUPC"), "EAN13");
  assert.equal(fromZxing("DataBarOmni", "DataBar"), "Unknown");
});

test("native detector names map over", () => {
  assert.equal(fromNative("qr_code"), "QRCode");
  assert.equal(fromNative("upc_e"), "UPCE");
  assert.equal(fromNative("unknown"), "Unknown");
  assert.equal(formatLabel("EAN13"), "EAN-13");
  assert.equal(formatLabel("PDF417"), "PDF417");
});
