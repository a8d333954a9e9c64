// Bundles the server (and the protocol package it imports as TypeScript) into one ES module,
// server/dist/main.mjs, which `npm run serve` runs with plain Node: no TypeScript loader at run
// time. tsx's loader runs on a thread of its own with its own V8 heap; without it an idle server
// holds ~45 MB less memory and starts without compiling anything. npm packages stay external:
// they are loaded from node_modules as they are (native addons, lazily loaded drivers).
//   node scripts/buildServer.mjs
import { readFileSync, renameSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
export const serverBundle = `${root}server/dist/main.mjs`;

function dependencies(folder) {
  const manifest = JSON.parse(readFileSync(`${root}${folder}/package.json`, "utf8"));
  return Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }).filter((name) => !name.startsWith("@easyqr/"));
}

/** Writes the bundle next to its final name and renames it, so a server starting meanwhile never reads half a file. */
export async function buildServer() {
  const external = [...new Set([...dependencies("server"), ...dependencies("protocol")])].flatMap((name) => [name, `${name}/*`]);
  const temporary = `${serverBundle}.${process.pid}.tmp`;
  await build({
    entryPoints: [`${root}server/src/main.ts`],
    outfile: temporary,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    // The stack traces of a logged error name our functions, not esbuild's renamed ones.
    keepNames: true,
    logLevel: "warning",
  });
  renameSync(temporary, serverBundle);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
