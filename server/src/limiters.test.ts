import assert from "node:assert/strict";
import { test } from "node:test";
import { RateLimiterRes } from "rate-limiter-flexible";
import { scratchRedis } from "../test/support/redis.ts";
import { memoryLimiter, redisLimiter } from "./limiters.ts";

const options = { keyPrefix: "guesses", points: 3, duration: 60 };

test("in process, each node counts alone", async () => {
  const [a, b] = [memoryLimiter(options), memoryLimiter(options)];
  for (let i = 0; i < 3; i++) await a.consume("ip");
  await assert.rejects(a.consume("ip"), RateLimiterRes);
  await b.consume("ip");
});

test("in Redis, every node's attempts count against the same limit, under the deployment's prefix", async (t) => {
  const scratch = await scratchRedis(t);
  const [first, second] = [scratch.connect(), scratch.connect()];
  // Until a connection is ready its node counts in memory (as while Redis is away).
  await Promise.all([first.ping(), second.ping()]);
  const a = redisLimiter(first, scratch.prefix)(options);
  const b = redisLimiter(second, scratch.prefix)(options);
  await a.consume("ip");
  await b.consume("ip");
  await a.consume("ip");
  await assert.rejects(b.consume("ip"), RateLimiterRes, "the fourth attempt, on another node, is refused");
  assert.deepEqual(await scratch.keys(), [`${scratch.prefix}rl:guesses:ip`]);
  const ttl = await scratch.redis.pttl(`${scratch.prefix}rl:guesses:ip`);
  assert.ok(ttl > 0 && ttl <= 60_000, "counters expire with their window");
});

test("with Redis away, a node counts in its own memory instead of refusing everyone", async (t) => {
  const scratch = await scratchRedis(t);
  const connection = scratch.connect();
  await connection.ping();
  const limiter = redisLimiter(connection, scratch.prefix)(options);
  connection.disconnect();
  for (let i = 0; i < 3; i++) await limiter.consume("ip");
  await assert.rejects(limiter.consume("ip"), RateLimiterRes, "the limit still holds on this node");
});
