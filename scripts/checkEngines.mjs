// Fails when a locked dependency does not support every Node version that the
// root package.json's engines.node (and so the README) promises.
// npm's EBADENGINE only compares against the Node running the install; this
// checks the whole promised range, e.g. 20.19.0 as well as 26.x.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import semver from "semver";

/**
 * Lockfile entries whose engines.node leaves out part of `range`. Entries npm
 * never installs on this platform (their `os`/`cpu` exclude it) are skipped,
 * as npm skips them.
 * @param {string} range
 * @param {Record<string, {version?: string, engines?: unknown, os?: string[], cpu?: string[]}>} packages
 * @param {{platform: string, arch: string}} machine
 */
export function unsupportedBy(range, packages, machine) {
  return Object.entries(packages).flatMap(([path, entry]) => {
    const needs = /** @type {{node?: unknown} | undefined} */ (entry.engines)?.node;
    if (path === "" || typeof needs !== "string") return [];
    if (!allows(entry.os, machine.platform) || !allows(entry.cpu, machine.arch)) return [];
    if (semver.validRange(needs) && semver.subset(range, needs)) return [];
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    return [{ name, version: entry.version, needs, path }];
  });
}

/** npm's os/cpu lists: "!x" excludes x; otherwise, if any names are given, only those. */
function allows(list, value) {
  if (!list) return true;
  if (list.includes(`!${value}`)) return false;
  const only = list.filter((item) => !item.startsWith("!"));
  return only.length === 0 || only.includes(value);
}

function main() {
  const range = JSON.parse(readFileSync("package.json", "utf8")).engines.node;
  const { packages } = JSON.parse(readFileSync("package-lock.json", "utf8"));
  const unsupported = unsupportedBy(range, packages, process);
  if (unsupported.length > 0) {
    console.error(`These dependencies do not support every Node version in engines.node (${range}):`);
    for (const { name, version, needs, path } of unsupported) {
      console.error(`  ${name}@${version} needs node ${needs}  (${path}; \`npm explain ${name}\` says who pulls it)`);
    }
    console.error("Pick versions that do (an earlier minor, or an override in package.json), or narrow");
    console.error("engines.node and the README's Node line together.");
    process.exit(1);
  }
  console.log(`engines: every locked dependency supports node ${range}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
