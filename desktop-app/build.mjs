// Bundles the Electron main process and the preload into dist/ with esbuild.
// CommonJS for Node: the sandboxed preload cannot load ES modules or
// node_modules, so zod and our code go into each bundle; `electron` stays
// external (Electron provides it at run time).
import { build } from "esbuild";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["electron"],
  sourcemap: "linked",
  logLevel: "warning",
  absWorkingDir: root,
};

await rm(dist, { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: ["src/main/main.ts"], outfile: join(dist, "main.cjs") }),
  build({ ...common, entryPoints: ["src/preload/preload.ts"], outfile: join(dist, "preload.cjs") }),
  // The config parser alone, so scripts/launch.mjs reads --server / EASYQR_SERVER
  // exactly as the app does, even when Electron is not installed.
  build({ ...common, entryPoints: ["src/main/config.ts"], outfile: join(dist, "config.cjs") }),
]);
console.log("desktop-app: built dist/main.cjs, dist/preload.cjs");
