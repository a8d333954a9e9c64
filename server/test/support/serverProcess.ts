import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** The real server (`server/src/main.ts`) as a process of its own, as `npm run serve` starts it. */
export type ServerProcess = {
  url: string;
  pid: number;
  /** The process's last output lines, for failure messages. */
  output(): string;
  /** How many of its output lines (all of them since it started) match `pattern`. */
  linesMatching(pattern: RegExp): number;
  /** Whether the process is still running (it did not exit or crash). */
  running(): boolean;
  /** SIGKILL: no shutdown code runs, as in a crash or an OOM kill. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
};

/** A free TCP port on the loopback interface (the server tests, e2e and the bench share this one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts the server on this port with these settings (DATA_DIR, DATABASE_*) and waits until /health answers. */
export async function spawnServer(env: Record<string, string>, port: number, timeoutMs = 30_000): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${port}`;
  const inherited = { ...process.env };
  // The store decides the engine: a DATABASE_URL in the test's environment must not leak into a SQLite run.
  delete inherited.DATABASE_URL;
  delete inherited.DATABASE_SCHEMA;
  const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
    cwd: repoRoot,
    env: { ...inherited, PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: url, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const all: string[] = [];
  const keep = (chunk: Buffer) => {
    const text = chunk.toString().split("\n").filter(Boolean);
    lines.push(...text);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
    if (all.length < 100_000) all.push(...text);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited while starting:\n${lines.join("\n")}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not answer /health within ${timeoutMs} ms:\n${lines.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid ?? 0,
    output: () => lines.join("\n"),
    linesMatching: (pattern) => all.filter((line) => pattern.test(line)).length,
    running: () => child.exitCode === null && child.signalCode === null,
    kill9: () => end(child, "SIGKILL", exited),
    stop: () => end(child, "SIGTERM", exited),
  };
}

async function end(child: ChildProcess, signal: NodeJS.Signals, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
