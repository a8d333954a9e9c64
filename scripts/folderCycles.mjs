// No folder of a source tree imports one that imports it back, directly or through others: an
// ESLint rule (eslint.config.js, `local/no-folder-cycles`). `import-x/no-cycle` looks at files;
// this looks at folders, which is what a reader of the tree sees. Each file belongs to its first
// folder under the root; a file directly under the root is a node of its own (app.ts, errors.ts).
// Type imports count (they tie the folders just as much); test files do not.
// Run alone it prints the tree's folder cycles: node scripts/folderCycles.mjs server/src
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const source = /\.(ts|tsx|mts)$/;
const test = /\.test\.(ts|tsx|mts)$/;
const importSpecifiers = /(?:^|[^\w$.])(?:import|export)\s*(?:type\s+)?(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** The folder (or, for a file directly under it, the file's name without extension) a path belongs to under `root`. */
export function folderOf(root, path) {
  const parts = relative(root, path).split(sep);
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.[^.]+$/, "");
}

/** Relative specifiers a file imports or re-exports (comments taken out first). */
export function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  return [...code.matchAll(importSpecifiers)].map((m) => m[1] ?? m[2]).filter((s) => s.startsWith("."));
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" || name === "dist" ? [] : filesUnder(path);
    return source.test(name) && !test.test(name) ? [path] : [];
  });
}

/** Folder → folders it imports, for every non-test source file under `root`. */
export function folderGraph(root) {
  const graph = new Map();
  for (const file of filesUnder(root)) {
    const from = folderOf(root, file);
    for (const specifier of importsOf(readFileSync(file, "utf8"))) {
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(root + sep)) continue;
      const to = folderOf(root, target);
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from).add(to);
    }
  }
  return graph;
}

/** A shortest chain of folders from `start` back to `goal` (both included), or undefined. */
export function pathBack(graph, start, goal) {
  const before = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    if (node === goal) {
      const path = [];
      for (let at = goal; at !== undefined; at = before.get(at)) path.unshift(at);
      return path;
    }
    for (const next of graph.get(node) ?? []) {
      if (before.has(next)) continue;
      before.set(next, node);
      queue.push(next);
    }
  }
  return undefined;
}

/** Every import of one folder by another that also reaches back to it: `[from, to, path back]`. */
export function folderCycles(graph) {
  const found = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const back = pathBack(graph, to, from);
      if (back) found.push([from, to, back]);
    }
  }
  return found;
}

// One scan per root serves every file linted within a second (an editor's long-lived process sees changes).
const cache = new Map();
function cachedGraph(root) {
  const hit = cache.get(root);
  if (hit && Date.now() - hit.at < 1000) return hit.graph;
  const graph = folderGraph(root);
  cache.set(root, { graph, at: Date.now() });
  return graph;
}

export const noFolderCycles = {
  meta: {
    type: "problem",
    docs: { description: "No folder of a source tree imports a folder that imports it back (directly or through others)." },
    schema: [{ type: "object", properties: { root: { type: "string" } }, required: ["root"], additionalProperties: false }],
    messages: { cycle: "{{from}}/ imports {{to}}/, which imports it back ({{path}}). Move the shared part where both can import it, or pass it in." },
  },
  create(context) {
    const root = resolve(context.cwd, context.options[0].root);
    const file = context.filename;
    if (!file.startsWith(root + sep) || test.test(file)) return {};
    const from = folderOf(root, file);
    const check = (node) => {
      const specifier = node.source?.type === "Literal" ? node.source.value : undefined;
      if (typeof specifier !== "string" || !specifier.startsWith(".")) return;
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(root + sep)) return;
      const to = folderOf(root, target);
      if (to === from) return;
      const back = pathBack(cachedGraph(root), to, from);
      if (back) context.report({ node: node.source, messageId: "cycle", data: { from, to, path: [from, ...back].join(" → ") } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? "server/src");
  const cycles = folderCycles(folderGraph(root));
  for (const [from, to, back] of cycles) console.log(`${from} → ${to}: ${[from, ...back].join(" → ")}`);
  console.log(cycles.length === 0 ? `${root}: no folder cycles` : `${root}: ${cycles.length} import(s) in folder cycles`);
  process.exit(cycles.length === 0 ? 0 : 1);
}
