// `npm run dev`: the web client from Vite's dev server (changes show at once: Preact's fast refresh,
// web/vite.config.ts) and the API server, restarted on every change to its code (node --watch).
// Vite passes /api, /ws, /health and /create-session on to the server; the server lets sockets in
// from Vite's origin. PORT is the server's (3000); Vite takes 5173, or the next free port.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = process.env.PORT ?? "3000";

const vite = await createServer({ root: `${root}web`, configFile: `${root}web/vite.config.ts` });
await vite.listen();
const viteOrigins = Object.values(vite.resolvedUrls ?? {})
  .flat()
  .map((url) => new URL(url).origin);
const allowedOrigins = [process.env.ALLOWED_ORIGINS, ...viteOrigins].filter(Boolean).join(",");
const server = spawn(process.execPath, ["--import", "tsx", "--watch", "server/src/main.ts"], {
  cwd: root,
  env: { ...process.env, PORT: port, ALLOWED_ORIGINS: allowedOrigins },
  stdio: "inherit",
});
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  server.kill("SIGTERM");
  await vite.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
server.on("exit", (code) => void stop(code ?? 1));

// The server prints its own URLs as it starts; under dev the app is opened from Vite's, so they come last.
while (!stopping) {
  const up = await fetch(`http://127.0.0.1:${port}/health`).then(
    (response) => response.ok,
    () => false,
  );
  if (up) break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}
if (!stopping) {
  console.log("\n  Open the app from Vite's dev server (edits show at once):");
  vite.printUrls();
}
