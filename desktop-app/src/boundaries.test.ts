// Where code runs decides what it may import (the Signal-Desktop rule, as a
// test because the root ESLint config is shared): `electron` only in the few
// wiring files, nothing of main/ in the preload and the reverse, and the
// shared IPC map imports zod alone.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const src = dirname(fileURLToPath(import.meta.url));
const ELECTRON_WIRING = new Set(["main/main.ts", "main/window.ts", "main/registerIpc.ts", "preload/preload.ts"]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "types" ? [] : sources(path);
    return entry.name.endsWith(".ts") ? [relative(src, path)] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(src, file), "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1] ?? "");
}

test("only the wiring files import electron", () => {
  for (const file of sources(src)) {
    if (ELECTRON_WIRING.has(file)) continue;
    assert.equal(importsOf(file).includes("electron"), false, `${file} imports electron`);
  }
});

test("preload and main do not import each other", () => {
  for (const file of sources(src)) {
    const imports = importsOf(file);
    if (file.startsWith("preload/")) assert.ok(!imports.some((i) => i.includes("/main/")), file);
    if (file.startsWith("main/")) assert.ok(!imports.some((i) => i.includes("/preload/")), file);
  }
});

test("the preload bundle stays free of Node built-ins (it runs sandboxed)", () => {
  for (const file of [...sources(src)].filter((f) => f.startsWith("preload/") || f === "ipc.ts")) {
    if (file.endsWith(".test.ts")) continue;
    const imports = importsOf(file);
    assert.ok(!imports.some((i) => i.startsWith("node:")), `${file}: ${imports.join(", ")}`);
  }
});

test("the shared IPC map imports zod alone", () => {
  assert.deepEqual(importsOf("ipc.ts"), ["zod"]);
});
