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

test("once linked, the camera box no longer tells a phone without a camera to type the desktop's code", () => {
  for (const s of ["missing", "unsupported", "insecure"] as const) assert.equal(cameraText(s, { paired: true }), null, s);
  assert.match(cameraText("denied", { paired: true })!.text, /Allow the camera/, "a camera it could use still asks");
  assert.match(cameraText("missing")!.text, /No camera/);
});
