import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";

const flag = z
  .enum(["1", "0", "true", "false", "on", "off", "yes", "no", ""])
  .transform((v) => ["1", "true", "on", "yes"].includes(v));

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HTTPS: flag.default(false),
  /** Signs pairing tokens. Generated into DATA_DIR on first start when unset; set it in cluster mode. */
  APP_SECRET: z.string().min(32).optional(),
});

export type Config = Readonly<{
  port: number;
  host: string;
  /** Where phones reach this server; goes into QR codes. Undefined means "derive from the LAN IP at listen time". */
  publicUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof Env>["LOG_LEVEL"];
  https: boolean;
  secret: string;
}>;

/** Parses the environment once. Throws a readable error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${problems}\nSee .env.example.`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ""),
    dataDir,
    logLevel: e.LOG_LEVEL,
    https: e.HTTPS,
    secret: e.APP_SECRET ?? persistentSecret(dataDir),
  });
}

function persistentSecret(dataDir: string): string {
  const file = join(dataDir, "secret.key");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  }
}

/** The first non-internal IPv4 address, for the URL phones on the same network use. */
export function lanAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

/** Config as safe to log: no secrets. */
export function redacted(config: Config): Record<string, unknown> {
  return { ...config, secret: "[redacted]" };
}
