import assert from "node:assert/strict";
import { test } from "node:test";
import { CHECK_TIMEOUT_MS, healthReport, type HealthSources } from "./health.ts";

const sockets = () => ({ users: 2, pairing: 1, link: 0 });
const answers = (value: boolean) => () => Promise.resolve(value);

function report(database: HealthSources["database"], redis: HealthSources["redis"], bus: HealthSources["bus"] = () => "ok") {
  return healthReport({ nodeId: "n1", database, redis, bus, sockets })();
}

test("the database down is 503 down; Redis down alone is degraded and still 200", async () => {
  const down = await report(answers(false), answers(true));
  assert.equal(down.httpStatus, 503);
  assert.equal(down.body.status, "down");
  assert.deepEqual(down.body.checks, { database: "down", redis: "ok" });
  assert.equal(down.body.latencyMs.database, undefined);

  const degraded = await report(answers(true), answers(false));
  assert.equal(degraded.httpStatus, 200);
  assert.equal(degraded.body.status, "degraded");
  assert.deepEqual(degraded.body.checks, { database: "ok", redis: "down" });

  const absent = await report(answers(true), undefined);
  assert.deepEqual([absent.httpStatus, absent.body.status, absent.body.checks.redis], [200, "ok", "absent"]);
  assert.deepEqual(absent.body.sockets, { users: 2, pairing: 1, link: 0 });
});

test("a check that throws is down; one that hangs is down after the timeout, not never", async () => {
  const threw = await report(() => Promise.reject(new Error("connection refused")), undefined);
  assert.equal(threw.body.checks.database, "down");
  const startedAt = performance.now();
  const hung = await report(answers(true), () => new Promise<boolean>(() => undefined));
  const took = performance.now() - startedAt;
  assert.equal(hung.body.status, "degraded");
  assert.ok(took >= CHECK_TIMEOUT_MS - 50 && took < CHECK_TIMEOUT_MS + 1_000, `took ${took} ms`);
});

test("the bus degraded is Redis down even while a PING answers, with the ping's latency kept", async () => {
  const busDown = await report(answers(true), answers(true), () => "degraded");
  assert.deepEqual([busDown.httpStatus, busDown.body.status, busDown.body.checks.redis], [200, "degraded", "down"]);
  assert.ok(busDown.body.latencyMs.redis !== undefined, "Redis answered its PING: its latency is still shown");

  const busUp = await report(answers(true), answers(true), () => "ok");
  assert.deepEqual([busUp.body.status, busUp.body.checks.redis], ["ok", "ok"]);
});
