import assert from "node:assert/strict";
import { test } from "node:test";
import { MIN_MODULE_PX, qrLayout } from "./qrLayout.ts";

test("QR modules are whole pixels, at least 4, so a long payload grows the code instead of shrinking its modules", () => {
  // A short My QR (version 4, 33 modules) at 264 px: 6 px per module, 246 px.
  assert.deepEqual(qrLayout(33, 264), { modulePx: 6, sizePx: 246 });
  // The ~330-character join URL (version 13, 69 modules) asked at 148 px: 4 px per module, 308 px.
  assert.deepEqual(qrLayout(69, 148), { modulePx: MIN_MODULE_PX, sizePx: 308 });
  for (const modules of [21, 45, 77, 101]) {
    const { modulePx, sizePx } = qrLayout(modules, 200);
    assert.equal(Number.isInteger(modulePx), true);
    assert.equal(sizePx, modulePx * (modules + 8));
    assert.ok(modulePx >= MIN_MODULE_PX);
  }
});
