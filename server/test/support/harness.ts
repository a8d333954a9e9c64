import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { buildApp, type App, type AppOptions } from "../../src/app.ts";
import { ManualClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";

export type LogLine = { level: number; msg: string; [key: string]: unknown };

export type TestServer = {
  app: App;
  url: string;
  clock: ManualClock;
  logs: LogLine[];
  /** Runs the pairing sweeper once, as its timer would. */
  tick(): Promise<void>;
  close(): Promise<void>;
};

/** A real server on a random port, with a clock the test moves and its log lines captured. */
export async function startServer(options: Partial<Omit<AppOptions, "config" | "clock" | "logger">> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "easyqr-test-"));
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "info" });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const clock = new ManualClock(Date.now());
  const app = await buildApp({ config, clock, logger: pino({ level: "info" }, sink), tickMs: 0, ...options });
  const url = await app.listen();
  return {
    app,
    url,
    clock,
    logs,
    tick: () => app.pairing.tick(),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
