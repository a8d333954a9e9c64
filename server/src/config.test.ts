import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig, redacted } from "./config.ts";

const base = { APP_SECRET: "s".repeat(32), DATA_DIR: "/tmp/easyqr-config-test" };

test("defaults: SQLite, console codes, disk storage in DATA_DIR/uploads", () => {
  const config = loadConfig(base);
  assert.deepEqual(config.database, { url: undefined, schema: undefined });
  assert.deepEqual(config.otp, { kind: "console" });
  assert.deepEqual(config.storage, { kind: "disk", dir: "/tmp/easyqr-config-test/uploads" });
  assert.equal(config.defaultRegion, undefined);
});

test("chat rate limits: unset keeps the defaults, set ones must be positive integers", () => {
  assert.deepEqual(loadConfig(base).chatLimits, {});
  assert.deepEqual(loadConfig({ ...base, CHAT_MESSAGES_PER_SECOND: "1000", CHAT_MESSAGE_BURST: "2000" }).chatLimits, {
    messagesPerSecond: 1000,
    messageBurst: 2000,
  });
  assert.throws(() => loadConfig({ ...base, CHAT_MESSAGES_PER_SECOND: "0" }), /CHAT_MESSAGES_PER_SECOND/);
  assert.deepEqual(loadConfig({ ...base, CHAT_BATCH_CONCURRENCY: "4" }).chatLimits, { batchConcurrency: 4 });
  assert.throws(() => loadConfig({ ...base, CHAT_BATCH_CONCURRENCY: "0" }), /CHAT_BATCH_CONCURRENCY/);
});

test("LINK_TTL_MS: unset keeps the 5 minutes; set, it must be 5 s to 1 h", () => {
  assert.deepEqual(loadConfig(base).linkLimits, {});
  assert.deepEqual(loadConfig({ ...base, LINK_TTL_MS: "15000" }).linkLimits, { ttlMs: 15_000 });
  assert.throws(() => loadConfig({ ...base, LINK_TTL_MS: "100" }), /LINK_TTL_MS/);
  assert.throws(() => loadConfig({ ...base, LINK_TTL_MS: "soon" }), /LINK_TTL_MS/);
});

test("ALLOWED_ORIGINS: comma-separated origins, normalised; anything with a path or another scheme is refused", () => {
  assert.deepEqual(loadConfig(base).allowedOrigins, []);
  assert.deepEqual(loadConfig({ ...base, ALLOWED_ORIGINS: " http://localhost:5173, HTTPS://Chat.Example.com:443/ ," }).allowedOrigins, [
    "http://localhost:5173",
    "https://chat.example.com",
  ]);
  assert.throws(() => loadConfig({ ...base, ALLOWED_ORIGINS: "https://chat.example.com/app" }), /ALLOWED_ORIGINS/);
  assert.throws(() => loadConfig({ ...base, ALLOWED_ORIGINS: "chat.example.com" }), /ALLOWED_ORIGINS/);
  assert.throws(() => loadConfig({ ...base, ALLOWED_ORIGINS: "ftp://chat.example.com" }), /ALLOWED_ORIGINS/);
  assert.throws(() => loadConfig({ ...base, ALLOWED_ORIGINS: "http://[bad" }), /ALLOWED_ORIGINS/);
});

test("drivers need their settings, and say which are missing", () => {
  assert.throws(() => loadConfig({ ...base, OTP_DRIVER: "smtp" }), /SMTP_URL/);
  assert.throws(() => loadConfig({ ...base, OTP_DRIVER: "sms", SMS_URL: "http://x" }), /SMS_ACCOUNT/);
  assert.throws(() => loadConfig({ ...base, STORAGE_DRIVER: "s3" }), /S3_BUCKET/);
  assert.throws(() => loadConfig({ ...base, DATABASE_URL: "mysql://x" }), /DATABASE_URL/);
  assert.throws(() => loadConfig({ ...base, DATABASE_SCHEMA: "Bad;Schema" }), /DATABASE_SCHEMA/);
  assert.throws(() => loadConfig({ ...base, DEFAULT_REGION: "GBR" }), /DEFAULT_REGION/);
  assert.equal(loadConfig({ ...base, DEFAULT_REGION: "gb" }).defaultRegion, "GB");
});

test("secrets never reach the log", () => {
  const config = loadConfig({
    ...base,
    DATABASE_URL: "postgres://app:db-password@db:5432/easyqr",
    OTP_DRIVER: "sms",
    SMS_URL: "https://sms.example",
    SMS_ACCOUNT: "AC1",
    SMS_TOKEN: "sms-token",
    SMS_FROM: "+15005550006",
    STORAGE_DRIVER: "s3",
    S3_BUCKET: "b",
    S3_SECRET_ACCESS_KEY: "s3-secret",
  });
  const shown = JSON.stringify(redacted(config));
  for (const secret of ["db-password", "sms-token", "s3-secret", "s".repeat(32)]) assert.ok(!shown.includes(secret), secret);
  const smtp = JSON.stringify(redacted(loadConfig({ ...base, OTP_DRIVER: "smtp", SMTP_URL: "smtps://u:mail-password@smtp.example" })));
  assert.ok(!smtp.includes("mail-password"));
});

test("TRUST_PROXY: addresses, CIDR ranges and proxy-addr's names; anything else is refused by name", () => {
  assert.deepEqual(loadConfig(base).trustProxy, []);
  assert.deepEqual(loadConfig({ ...base, TRUST_PROXY: "127.0.0.1, 10.0.0.0/8,loopback" }).trustProxy, ["127.0.0.1", "10.0.0.0/8", "loopback"]);
  assert.throws(() => loadConfig({ ...base, TRUST_PROXY: "everyone" }), /TRUST_PROXY/);
  assert.throws(() => loadConfig({ ...base, TRUST_PROXY: "10.0.0.0/99" }), /TRUST_PROXY/);
});

test("METRICS_TOKEN: off when unset, at least 16 characters, never logged", () => {
  assert.equal(loadConfig(base).metricsToken, undefined);
  assert.throws(() => loadConfig({ ...base, METRICS_TOKEN: "short" }), /METRICS_TOKEN/);
  const config = loadConfig({ ...base, METRICS_TOKEN: "m".repeat(20) });
  assert.equal(redacted(config).metricsToken, "[redacted]");
});
