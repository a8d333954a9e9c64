import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@easyqr/server/test-support";

const root = fileURLToPath(new URL("../..", import.meta.url));

export type RunningServer = {
  url: string;
  /** Every line the server wrote to stdout and stderr so far. */
  lines: string[];
  /** Resolves with the first log line matching `pattern` (already written or still to come). */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
};

/** Starts the real server as it ships (`npm run build`'s server/dist/main.mjs) as a child process on a random port, with its own data dir. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "easyqr-e2e-"));
  // On PostgreSQL each server gets a fresh schema, so runs (and engineers sharing the database) never see each other's rows.
  const schema = process.env.DATABASE_URL ? { DATABASE_SCHEMA: `e2e_${port}_${Date.now().toString(36)}` } : {};
  const child = spawn(process.execPath, ["server/dist/main.mjs"], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: url, DATA_DIR: dataDir, LOG_LEVEL: "info", ...schema, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const collect = (chunk: Buffer, rest: { text: string }) => {
    rest.text += chunk.toString("utf8");
    const parts = rest.text.split("\n");
    rest.text = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const watch of watchers) watch(line);
    }
  };
  const out = { text: "" };
  const err = { text: "" };
  child.stdout.on("data", (c: Buffer) => collect(c, out));
  child.stderr.on("data", (c: Buffer) => collect(c, err));

  const server: RunningServer = {
    url,
    lines,
    waitForLog(pattern, timeoutMs = 10_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error(`no server log line matched ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        const watch = (line: string) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          resolve(line);
        };
        watchers.add(watch);
      });
    },
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  try {
    await waitForHealth(url, child, lines);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

// A loaded machine (the integration suites run beside) took more than 20 s to start a server under tsx.
async function waitForHealth(url: string, child: ChildProcess, lines: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${lines.join("\n")}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not answer /health within ${timeoutMs} ms:\n${lines.join("\n")}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
