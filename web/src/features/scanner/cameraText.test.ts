import assert from "node:assert/strict";
import { test } from "node:test";
import { cameraText } from "./cameraText.ts";

test("each camera problem is explained and points at the typed code", () => {
  assert.equal(cameraText("scanning"), null);
  assert.match(cameraText("insecure")!.text, /HTTPS=1/);
  assert.match(cameraText("denied")!.text, /Allow the camera/);
  assert.match(cameraText("missing")!.text, /No camera/);
  for (const s of ["insecure", "unsupported", "denied", "missing", "failed"] as const) assert.match(cameraText(s)!.text, /code/, s);
});
