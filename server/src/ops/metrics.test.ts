import assert from "node:assert/strict";
import { test } from "node:test";
import type { BusStatus } from "../cluster/bus.ts";
import { Metrics, type MetricSources } from "./metrics.ts";

const answers = (value: boolean) => () => Promise.resolve(value);

function metrics(redis: MetricSources["redis"], bus: () => BusStatus): Metrics {
  return new Metrics({ nodeId: "n1", database: answers(true), redis, bus, sockets: () => ({ users: 0, pairing: 0, link: 0 }), messagesDelivered: () => 0 });
}

/** `easyqr_check_up{check=…}` and the ping histogram's count, as a scrape reads them. */
async function scraped(m: Metrics, check: string): Promise<{ up: number | undefined; pings: number | undefined }> {
  const { body } = await m.text();
  const value = (pattern: RegExp) => {
    const match = pattern.exec(body);
    return match ? Number(match[1]) : undefined;
  };
  return {
    up: value(new RegExp(`^easyqr_check_up\\{[^}]*check="${check}"[^}]*\\} (\\d+)$`, "m")),
    pings: value(new RegExp(`^easyqr_${check === "redis" ? "redis" : "db"}_ping_seconds_count\\{[^}]*\\} (\\d+)$`, "m")),
  };
}

test("Redis is down in /metrics while the cluster bus is degraded, even though its PING answers (as /health says)", async () => {
  let bus: BusStatus = "degraded";
  const m = metrics(answers(true), () => bus);
  await m.probe();
  assert.deepEqual(await scraped(m, "redis"), { up: 0, pings: 1 }, "the PING's latency is still recorded");
  assert.equal((await scraped(m, "database")).up, 1);

  bus = "ok";
  await m.probe();
  assert.deepEqual(await scraped(m, "redis"), { up: 1, pings: 2 });
});

test("Redis not answering its PING is down whatever the bus says; no Redis, no Redis check", async () => {
  const silent = metrics(answers(false), () => "ok");
  await silent.probe();
  assert.deepEqual(await scraped(silent, "redis"), { up: 0, pings: 0 });

  const single = metrics(undefined, () => "ok");
  await single.probe();
  assert.equal((await scraped(single, "redis")).up, undefined);
});
