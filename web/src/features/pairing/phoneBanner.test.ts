import assert from "node:assert/strict";
import { test } from "node:test";
import { phoneBanner } from "./phoneBanner.ts";

test("the phone says Connected only while the desktop is there; away and offline say so in the headline", () => {
  assert.equal(phoneBanner({ view: { kind: "unpaired" }, socket: "idle" }), null);
  assert.deepEqual(phoneBanner({ view: { kind: "connected", desktopOnline: true }, socket: "ready" }), {
    headline: "Connected",
    detail: "Scans go to the desktop",
    tone: "ok",
  });
  const away = phoneBanner({ view: { kind: "connected", desktopOnline: false }, socket: "ready" });
  assert.equal(away?.headline, "Desktop away");
  assert.equal(away?.tone, "warn");
  assert.equal(phoneBanner({ view: { kind: "connected", desktopOnline: true }, socket: "connecting" })?.headline, "Reconnecting…");
});
