// Runs one suite with Node's test runner: unit tests sit beside the code
// (*.test.ts under */src), integration tests in server/test, browser tests in e2e.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const suites = {
  unit: { roots: ["protocol/src", "server/src", "web/src", "desktop-app/src", "bench/src", "scripts"], match: /\.test\.(tsx?|mjs)$/ },
  integration: { roots: ["server/test"], match: /\.test\.ts$/ },
  e2e: { roots: ["e2e"], match: /\.test\.ts$/ },
};

const name = process.argv[2];
const suite = suites[name];
if (!suite) {
  console.error(`usage: runTests.mjs ${Object.keys(suites).join("|")} [filter]`);
  process.exit(2);
}
const filter = process.argv[3];

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry === "node_modules" || entry === "dist") return [];
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = suite.roots.flatMap(walk).filter((f) => suite.match.test(f) && (!filter || f.includes(filter)));
if (files.length === 0) {
  console.error(`no ${name} tests found`);
  process.exit(1);
}
const concurrency = name === "unit" ? [] : ["--test-concurrency=1"];
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", ...concurrency, ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
