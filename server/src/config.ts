import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { join, resolve } from "node:path";
import ipaddr from "ipaddr.js";
import { z } from "zod";

const flag = z.enum(["1", "0", "true", "false", "on", "off", "yes", "no", ""]).transform((v) => ["1", "true", "on", "yes"].includes(v));

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_URL: z.string().url().optional(),
  /** More origins whose pages may open the socket, comma-separated (a reverse proxy's other names, Vite's dev server). */
  ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((o) => o.trim())
        .filter((o) => o !== ""),
    )
    .pipe(z.array(z.string().refine(isOrigin, "http(s)://host[:port] origins, comma-separated"))),
  DATA_DIR: z.string().min(1).default("./data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HTTPS: flag.default(false),
  /** Signs pairing tokens. Generated into DATA_DIR on first start when unset; set it in cluster mode. */
  APP_SECRET: z.string().min(32).optional(),
  /** PostgreSQL (cluster mode). Unset: SQLite file in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "a postgres:// URL")
    .optional(),
  /** PostgreSQL schema to use (created when missing); tests give each server its own. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "a lower-case SQL identifier")
    .optional(),
  /** Redis (cluster mode): events between nodes, presence, pairing and link sessions, rate limits. Unset: all in process. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "a redis:// or rediss:// URL")
    .optional(),
  /** Prefix of every Redis key and channel, so several deployments (or tests) can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/, "letters, digits and _:.- (up to 64)")
    .default("easyqr:"),
  /** This node's name in logs, /health and /metrics. Unset: host name and process id. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits and _.- (up to 64)")
    .optional(),
  /**
   * Proxies (a load balancer) whose X-Forwarded-For is believed, comma-separated: addresses, CIDR
   * ranges, or proxy-addr's names loopback, linklocal, uniquelocal. Unset: none; the client's address
   * is the connection's, so behind a proxy every rate limit would see the proxy's one address.
   */
  TRUST_PROXY: z
    .string()
    .max(1_000)
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== ""),
    )
    .pipe(z.array(z.string().refine(isProxyAddress, "addresses, CIDR ranges, loopback, linklocal or uniquelocal, comma-separated"))),
  /** Serves /metrics (Prometheus text) to `Authorization: Bearer <METRICS_TOKEN>`. Unset: /metrics is off. */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").max(256).optional(),
  OTP_DRIVER: z.enum(["console", "smtp", "sms"]).default("console"),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "an smtp:// or smtps:// URL")
    .optional(),
  SMTP_FROM: z.string().min(3).default("EasyQR <no-reply@easyqr.local>"),
  SMS_URL: z.string().url().optional(),
  SMS_ACCOUNT: z.string().min(1).optional(),
  SMS_TOKEN: z.string().min(1).optional(),
  SMS_FROM: z.string().min(1).optional(),
  /** Region for phone numbers typed without +country code (ISO 3166 alpha-2, e.g. GB). */
  DEFAULT_REGION: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "a two-letter country code")
    .transform((v) => v.toUpperCase())
    .optional(),
  STORAGE_DRIVER: z.enum(["disk", "s3"]).default("disk"),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  /** S3-compatible endpoint (MinIO, R2, …); unset means AWS. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: flag.default(false),
  /** Message frames (SEND, EDIT, DELETE, REACT) one socket may send per second, sustained, and in a burst. Unset: 30 and 60. */
  CHAT_MESSAGES_PER_SECOND: z.coerce.number().int().positive().optional(),
  CHAT_MESSAGE_BURST: z.coerce.number().int().positive().optional(),
  /** PostgreSQL: send batches in flight at once (each holds a pool connection). Unset: 3. SQLite always writes one at a time. */
  CHAT_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(16).optional(),
  /** How long a desktop's "Link with your phone" QR is shown before "New code". Unset: 5 minutes (LINK_TTL_MS). Browser tests shorten it. */
  LINK_TTL_MS: z.coerce
    .number()
    .int()
    .min(5_000)
    .max(60 * 60_000)
    .optional(),
});

function isProxyAddress(value: string): boolean {
  if (["loopback", "linklocal", "uniquelocal"].includes(value)) return true;
  return ipaddr.isValid(value) || (value.includes("/") && ipaddr.isValidCIDR(value));
}

/** `http(s)://host[:port]`, nothing after it but a slash. */
function isOrigin(value: string): boolean {
  if (!/^https?:\/\/[^/?#\s@]+\/?$/i.test(value)) return false;
  return URL.canParse(value);
}

export type OtpDriverConfig =
  { kind: "console" } | { kind: "smtp"; url: string; from: string } | { kind: "sms"; url: string; account: string; token: string; from: string };

export type StorageConfig =
  | { kind: "disk"; dir: string }
  | {
      kind: "s3";
      bucket: string;
      region: string;
      endpoint: string | undefined;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
      forcePathStyle: boolean;
    };

export type Config = Readonly<{
  port: number;
  host: string;
  /** Where phones reach this server; goes into QR codes. Undefined means "derive from the LAN IP at listen time". */
  publicUrl: string | undefined;
  /** Origins allowed to open the socket besides the public URL and this server's own addresses. */
  allowedOrigins: readonly string[];
  dataDir: string;
  logLevel: z.infer<typeof Env>["LOG_LEVEL"];
  https: boolean;
  secret: string;
  database: Readonly<{ url: string | undefined; schema: string | undefined }>;
  /** Redis for cluster mode; undefined keeps every shared state in this process. */
  redis: Readonly<{ url: string; prefix: string }> | undefined;
  /** This node's name (logs, /health, /metrics). */
  nodeId: string;
  /** Proxies whose X-Forwarded-For names the client (TRUST_PROXY); empty: none. */
  trustProxy: readonly string[];
  /** The bearer token /metrics asks for; undefined turns /metrics off. */
  metricsToken: string | undefined;
  otp: OtpDriverConfig;
  defaultRegion: string | undefined;
  storage: StorageConfig;
  /** Per-socket message rate and send batch overrides (the benchmark raises the rate); unset keys keep the defaults. */
  chatLimits: Readonly<{ messagesPerSecond?: number; messageBurst?: number; batchConcurrency?: number }>;
  /** Overrides of the linking timings (LINK_TTL_MS); unset keys keep the defaults. */
  linkLimits: Readonly<{ ttlMs?: number }>;
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
    allowedOrigins: Object.freeze(e.ALLOWED_ORIGINS.map((o) => new URL(o).origin)),
    dataDir,
    logLevel: e.LOG_LEVEL,
    https: e.HTTPS,
    secret: e.APP_SECRET ?? persistentSecret(dataDir),
    database: Object.freeze({ url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA }),
    redis: e.REDIS_URL ? Object.freeze({ url: e.REDIS_URL, prefix: e.REDIS_PREFIX }) : undefined,
    nodeId: e.NODE_ID ?? `${hostname()}-${process.pid}`,
    trustProxy: Object.freeze(e.TRUST_PROXY),
    metricsToken: e.METRICS_TOKEN,
    otp: otpDriver(e),
    defaultRegion: e.DEFAULT_REGION,
    storage: storage(e, dataDir),
    chatLimits: Object.freeze({
      ...(e.CHAT_MESSAGES_PER_SECOND ? { messagesPerSecond: e.CHAT_MESSAGES_PER_SECOND } : {}),
      ...(e.CHAT_MESSAGE_BURST ? { messageBurst: e.CHAT_MESSAGE_BURST } : {}),
      ...(e.CHAT_BATCH_CONCURRENCY ? { batchConcurrency: e.CHAT_BATCH_CONCURRENCY } : {}),
    }),
    linkLimits: Object.freeze(e.LINK_TTL_MS ? { ttlMs: e.LINK_TTL_MS } : {}),
  });
}

function otpDriver(e: z.infer<typeof Env>): OtpDriverConfig {
  switch (e.OTP_DRIVER) {
    case "console":
      return { kind: "console" };
    case "smtp":
      if (!e.SMTP_URL) throw new Error("Invalid configuration:\n  OTP_DRIVER=smtp needs SMTP_URL.\nSee .env.example.");
      return { kind: "smtp", url: e.SMTP_URL, from: e.SMTP_FROM };
    case "sms":
      if (!e.SMS_URL || !e.SMS_ACCOUNT || !e.SMS_TOKEN || !e.SMS_FROM) {
        throw new Error("Invalid configuration:\n  OTP_DRIVER=sms needs SMS_URL, SMS_ACCOUNT, SMS_TOKEN and SMS_FROM.\nSee .env.example.");
      }
      return { kind: "sms", url: e.SMS_URL, account: e.SMS_ACCOUNT, token: e.SMS_TOKEN, from: e.SMS_FROM };
  }
}

function storage(e: z.infer<typeof Env>, dataDir: string): StorageConfig {
  if (e.STORAGE_DRIVER === "disk") return { kind: "disk", dir: join(dataDir, "uploads") };
  if (!e.S3_BUCKET) throw new Error("Invalid configuration:\n  STORAGE_DRIVER=s3 needs S3_BUCKET.\nSee .env.example.");
  return {
    kind: "s3",
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
    endpoint: e.S3_ENDPOINT,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
  };
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

/** This machine's network addresses as URL hosts (IPv6 in brackets), without loopback and link-local ones. */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((a) => (!a || a.internal ? [] : a.family === "IPv4" ? [a.address] : a.address.startsWith("fe80:") ? [] : [`[${a.address}]`]));
}

/** Config as safe to log: no secrets. */
export function redacted(config: Config): Record<string, unknown> {
  const hidden = "[redacted]";
  return {
    ...config,
    secret: hidden,
    metricsToken: config.metricsToken ? hidden : undefined,
    database: { ...config.database, url: config.database.url ? withoutPassword(config.database.url) : undefined },
    redis: config.redis ? { ...config.redis, url: withoutPassword(config.redis.url) } : undefined,
    otp:
      config.otp.kind === "sms"
        ? { ...config.otp, token: hidden }
        : config.otp.kind === "smtp"
          ? { ...config.otp, url: withoutPassword(config.otp.url) }
          : config.otp,
    storage: config.storage.kind === "s3" ? { ...config.storage, secretAccessKey: hidden } : config.storage,
  };
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "redacted";
    return parsed.toString();
  } catch {
    return "[unparseable url]";
  }
}
