// `npm run desktop`: starts Electron on this app (dist/ must be built first).
// Electron is an optional dependency whose binary download can be blocked; in
// that case this says what is missing and how to get it, and exits non-zero.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
// The app's own config parser (src/main/config.ts, bundled by build.mjs).
const { ConfigError, parseConfig } = require("../dist/config.cjs");

const args = process.argv.slice(2);
// `npm run desktop -- --server=<url>` passes through a nested `npm run`, which
// takes `--server=<url>` as an npm setting and hands it on as npm_config_server.
const fromNpm = process.env.npm_config_server;
if (fromNpm && fromNpm !== "true" && !args.some((a) => a === "--server" || a.startsWith("--server="))) {
  args.push(`--server=${fromNpm}`);
}

let config;
try {
  config = parseConfig({ argv: args, env: process.env });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`EasyQR desktop: ${error.message}`);
  process.exit(2);
}

const electron = findElectron();
if (!electron.ok) {
  console.error(
    [
      "",
      `EasyQR desktop: Electron is not installed (${electron.problem}).`,
      "",
      "  The `electron` package is an optional dependency of desktop-app. Installing it",
      "  downloads the Electron binary; where that download is blocked, npm skips it.",
      "",
      "  The same screen works in any browser. Start the server (npm start) and open:",
      `    ${config.desktopUrl}`,
      "",
      "  To run the desktop app, on a machine with network access:",
      "    npm install electron --save-optional -w desktop-app",
      "    npm run desktop",
      "",
    ].join("\n"),
  );
  process.exit(1);
}

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE; // set, it would run Electron as plain Node
const child = spawn(electron.path, [appDir, ...args], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on("error", (error) => {
  console.error(`EasyQR desktop: could not start ${electron.path}: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** `require("electron")` from Node returns the path of the binary, or throws. */
function findElectron() {
  let path;
  try {
    path = require("electron");
  } catch (error) {
    const missing = error?.code === "MODULE_NOT_FOUND";
    return { ok: false, problem: missing ? "no node_modules/electron" : "its binary was never downloaded" };
  }
  if (typeof path !== "string" || !existsSync(path)) {
    return { ok: false, problem: `no Electron binary at ${String(path)}` };
  }
  return { ok: true, path };
}
