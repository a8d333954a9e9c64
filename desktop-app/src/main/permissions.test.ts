import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfig } from "./config.ts";
import { isPermissionAllowed } from "./permissions.ts";

const config = parseConfig({ argv: [], env: {} });

test("the server's pages may write to the clipboard", () => {
  assert.ok(isPermissionAllowed("clipboard-sanitized-write", "http://localhost:3000/desktop", config));
});

test("no other page may, and no page gets anything else", () => {
  assert.equal(isPermissionAllowed("clipboard-sanitized-write", "https://evil.test/", config), false);
  assert.equal(isPermissionAllowed("clipboard-sanitized-write", "", config), false);
  for (const permission of ["media", "clipboard-read", "geolocation", "notifications", "openExternal", "fullscreen", "hid", "usb"]) {
    assert.equal(isPermissionAllowed(permission, "http://localhost:3000/desktop", config), false, permission);
  }
});
