import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "@easyqr/server/test-support";
import WebSocket from "ws";

export const root = fileURLToPath(new URL("../..", import.meta.url));

/** Pins a command to one core with taskset when it exists, so server and load generator don't share a core. */
export function pinned(core: number, command: string, args: string[]): [string, string[]] {
  const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;
  return hasTaskset ? ["taskset", ["-c", String(core), command, ...args]] : [command, args];
}

/** With BENCH_PROF=1, the server and load processes write V8 CPU profiles into bench/results/profiles (open them in Chrome DevTools). */
export function profileFlags(): string[] {
  return process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=bench/results/profiles"] : [];
}

export type RunningServer = { url: string; child: ChildProcess; stop(): Promise<void> };

/** Checkouts whose server was bundled by this process already. */
const bundled = new Set<string>();

/**
 * What `npm run serve` runs in checkout `serverRoot`: its server bundled as it ships (built here, once per checkout and run), or, in an
 * older checkout without `scripts/buildServer.mjs` (a `--baseline`), its TypeScript through tsx as that checkout's `serve` did.
 */
function serverEntry(serverRoot: string): string[] {
  if (!existsSync(`${serverRoot}/scripts/buildServer.mjs`)) return ["--import", "tsx", "server/src/main.ts"];
  if (!bundled.has(serverRoot)) {
    const built = spawnSync(process.execPath, ["scripts/buildServer.mjs"], { cwd: serverRoot, stdio: "inherit" });
    if (built.status !== 0) throw new Error(`building the server in ${serverRoot} failed`);
    bundled.add(serverRoot);
  }
  return ["server/dist/main.mjs"];
}

/**
 * Starts `npm run serve`'s entry point on a free port, pinned to `core` (0), and waits for /health. `nodeArgs` go before the entry point (e.g. `--import` of a probe).
 * `serverRoot`: another checkout to run the server of (a baseline build for `--baseline`); this one by default. Unless `env` names one,
 * each checkout keeps its data in its own `data/bench` (a newer build's migrations there would stop an older one).
 * `core`: the core it is pinned to (several cluster nodes take turns over the cores).
 */
export async function startServer(env: Record<string, string> = {}, nodeArgs: string[] = [], serverRoot = root, core = 0): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const entry = serverEntry(serverRoot);
  // A probe preloaded as TypeScript (`--import ./bench/src/….ts`) needs tsx in front of the bundle.
  const loader = entry[0] !== "--import" && nodeArgs.some((arg) => arg.endsWith(".ts")) ? ["--import", "tsx"] : [];
  const [command, args] = pinned(core, process.execPath, [...profileFlags(), ...loader, ...nodeArgs, ...entry]);
  const inherited = { ...process.env };
  // The caller's env picks the engine: a DATABASE_URL in the shell must not turn a SQLite run into PostgreSQL.
  delete inherited.DATABASE_URL;
  delete inherited.DATABASE_SCHEMA;
  const child = spawn(command, args, {
    cwd: serverRoot,
    env: { ...inherited, PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: url, LOG_LEVEL: "warn", DATA_DIR: `${serverRoot}/data/bench`, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  // Generous: on a loaded machine, tsx compiling the server alone has taken over 20 s.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("bench server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        // Gone already (a Ctrl-C reaches the whole process group): there is no exit left to wait for.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Resident memory of a process in bytes, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : Number.NaN;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** Runs `work` while watching process `pid`: the CPU seconds it used meanwhile, and its peak RSS (sampled every 50 ms). */
export async function watchProcess<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpuSeconds: number; peakRss: number }> {
  const cpuBefore = cpuSeconds(pid);
  let peakRss = rssBytes(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pid))), 50);
  try {
    const result = await work();
    return { result, cpuSeconds: cpuSeconds(pid) - cpuBefore, peakRss };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * Runs a TypeScript module as its own process pinned to a core (1: the load generator's); resolves with
 * the JSON it prints last. `background`: at the lowest CPU priority, so that it only gets the time the
 * core's other processes leave (an attacker must not slow down the measuring clients beside it).
 */
export function runLoad<T>(module: string, args: string[], core = 1, background = false): Promise<T> {
  const [pinnedCommand, pinnedArgs] = pinned(core, process.execPath, ["--import", "tsx", module, ...args]);
  const [command, argv] = background ? ["nice", ["-n", "19", pinnedCommand, ...pinnedArgs]] : [pinnedCommand, pinnedArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${module} exited ${code}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** Node flags that open the inspector on a loopback port, so the bench can ask for a full GC before reading memory. */
export function inspectorFlags(port: number): string[] {
  return [`--inspect=127.0.0.1:${port}`];
}

/**
 * A full garbage collection in the process whose inspector listens on `port` (HeapProfiler.collectGarbage),
 * so that an RSS reading counts what is held, not garbage that the next GC would have taken.
 */
export async function collectGarbage(port: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(url, { perMessageDeflate: false });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer to HeapProfiler.collectGarbage within 30 s")), 30_000);
      socket.once("open", () => socket.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" })));
      socket.on("message", (data) => {
        if ((JSON.parse((data as Buffer).toString()) as { id?: number }).id !== 1) return;
        clearTimeout(timer);
        resolve();
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } finally {
    socket.close();
  }
}
