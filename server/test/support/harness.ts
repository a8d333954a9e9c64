import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
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
  dataDir: string;
  /** PostgreSQL schema of this server's data (undefined on SQLite). */
  schema: string | undefined;
  /** Runs the pairing and link sweepers once, as their timer would. */
  tick(): Promise<void>;
  close(): Promise<void>;
};

export type TestServerOptions = Partial<Omit<AppOptions, "config" | "clock" | "logger">> & {
  /** Extra settings, as environment variables (OTP_DRIVER, SMTP_URL, …). */
  env?: Record<string, string>;
  /**
   * A second node of this server's cluster: the same database, clock and app secret (pass the
   * presence store too to share it). Its data is left in place when it closes.
   */
  nodeOf?: TestServer;
};

/**
 * A real server on a random port, with a clock the test moves and its log lines captured.
 * Its data is its own: a fresh SQLite file, or with DATABASE_URL set a fresh PostgreSQL
 * schema that is dropped on close.
 */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { env = {}, nodeOf, ...appOptions } = options;
  const dataDir = nodeOf?.dataDir ?? mkdtempSync(join(tmpdir(), "easyqr-test-"));
  const databaseUrl = process.env.DATABASE_URL;
  const schema = nodeOf ? nodeOf.schema : databaseUrl ? `test_${randomBytes(6).toString("hex")}` : undefined;
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    ...(databaseUrl && schema ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } : {}),
    ...env,
  });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const clock = nodeOf?.clock ?? new ManualClock(Date.now());
  const app = await buildApp({ config, clock, logger: pino({ level: "info" }, sink), tickMs: 0, ...appOptions });
  const url = await app.listen();
  return {
    app,
    url,
    clock,
    logs,
    dataDir,
    schema,
    tick: async () => {
      await app.pairing.tick();
      await app.links.tick();
    },
    async close() {
      await app.close();
      if (nodeOf) return;
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl && schema) await dropSchema(databaseUrl, schema);
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
