import assert from "node:assert/strict";
import { test } from "node:test";
import { unsupportedBy } from "./checkEngines.mjs";

const linux = { platform: "linux", arch: "x64" };
const range = "^20.19.0 || ^22.13.0 || ^24.0.0 || ^26.0.0";

test("a dependency that supports the whole range passes", () => {
  const packages = {
    "": { engines: { node: range } },
    "node_modules/vite": { version: "8.3.8", engines: { node: "^20.19.0 || >=22.12.0" } },
    "node_modules/better-sqlite3": { version: "12.11.1", engines: { node: "20.x || 22.x || 23.x || 24.x || 25.x || 26.x" } },
    "node_modules/zod": { version: "4.1.12" },
  };
  assert.deepEqual(unsupportedBy(range, packages, linux), []);
});

test("a dependency that needs a newer Node than the range's low end is reported with its path", () => {
  const packages = {
    "node_modules/light-my-request/node_modules/cookie": { version: "2.0.2", engines: { node: ">=22" } },
  };
  assert.deepEqual(unsupportedBy(range, packages, linux), [
    { name: "cookie", version: "2.0.2", needs: ">=22", path: "node_modules/light-my-request/node_modules/cookie" },
  ]);
});

test("a dependency capped below the range's top is reported", () => {
  const packages = { "node_modules/native": { version: "1.0.0", engines: { node: "20.x || 22.x || 24.x || 25.x" } } };
  assert.equal(unsupportedBy(range, packages, linux).length, 1);
});

test("an engines.node that is not a range is reported rather than trusted", () => {
  const packages = { "node_modules/odd": { version: "1.0.0", engines: { node: "current" } } };
  assert.equal(unsupportedBy(range, packages, linux).length, 1);
});

test("packages for another os or cpu are skipped, as npm skips them", () => {
  const packages = {
    "node_modules/@img/sharp-win32-ia32": { version: "0.35.5", engines: { node: "^20.9.0" }, os: ["win32"], cpu: ["ia32"] },
    "node_modules/not-on-linux": { version: "1.0.0", engines: { node: ">=26" }, os: ["!linux"] },
    "node_modules/linux-only": { version: "1.0.0", engines: { node: ">=26" }, os: ["linux"], cpu: ["x64"] },
  };
  assert.deepEqual(
    unsupportedBy(range, packages, linux).map((p) => p.name),
    ["linux-only"],
  );
});
