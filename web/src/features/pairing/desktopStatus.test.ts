import assert from "node:assert/strict";
import { test } from "node:test";
import type { DesktopSnapshot } from "./desktopLink.ts";
import { desktopStatus } from "./desktopStatus.ts";

const qr = { url: "u", token: "t", code: "ABCD2345", expiresAt: 1, rotatesAt: 1 };
const at = (view: DesktopSnapshot["view"], socket: DesktopSnapshot["socket"] = "ready") => desktopStatus({ view, socket, scans: [] }).text;
const phone = (online: boolean, name?: string) => ({ phoneId: "p", online, ...(name ? { device: { name, platform: "Android" } } : {}) });

test("the status moves Waiting → Connected → Disconnected → Expired", () => {
  assert.equal(at({ kind: "waiting", qr, expiresAt: 1 }), "Waiting for phone…");
  assert.equal(at({ kind: "connected", phones: [phone(true, "Chrome on Pixel 8")], allowMultiplePhones: false }), "Connected — Chrome on Pixel 8");
  assert.equal(at({ kind: "connected", phones: [phone(true)], allowMultiplePhones: false }), "Connected");
  assert.equal(at({ kind: "connected", phones: [phone(false, "X")], allowMultiplePhones: false }), "Disconnected — waiting for the phone to come back");
  assert.equal(at({ kind: "expired" }), "Expired");
});

test("a lost server connection is said, not hidden", () => {
  assert.equal(at({ kind: "connected", phones: [phone(true)], allowMultiplePhones: false }, "retrying"), "Reconnecting to the server…");
  assert.equal(at({ kind: "waiting", qr, expiresAt: 1 }, "retrying"), "Reconnecting to the server…");
});
