import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryPresenceStore } from "./store.ts";

const lease = (userId: string, leaseId: string, expiresAt: number, seenAt = expiresAt - 60) => ({ userId, leaseId, expiresAt, seenAt });

test("a user is online while any lease is live; put reports only the users that just came online", async () => {
  const store = new MemoryPresenceStore();
  assert.deepEqual(await store.put([lease("u", "phone", 100), lease("u", "desk", 100)], 0), ["u"]);
  assert.deepEqual(await store.put([lease("u", "tab", 100)], 10), [], "already online");
  assert.deepEqual([...(await store.online(["u", "v"], 50))], ["u"]);
  assert.deepEqual([...(await store.online(["u"], 100))], [], "a lease ends at its expiresAt");
});

test("expire ends a user when the last lease runs out, with the newest seenAt as last seen", async () => {
  const store = new MemoryPresenceStore();
  await store.put([lease("u", "a", 100, 40), lease("u", "b", 200, 70)], 0);
  assert.deepEqual(await store.expire(150), [], "one lease left");
  assert.deepEqual(await store.expire(200), [{ userId: "u", lastSeen: 70 }]);
  assert.deepEqual(await store.expire(300), [], "reported once");
});

test("moving a lease's end (a closed socket's grace) keeps the user online until then, without a new online", async () => {
  const store = new MemoryPresenceStore();
  await store.put([lease("u", "a", 1_000)], 0);
  assert.deepEqual(await store.put([{ userId: "u", leaseId: "a", expiresAt: 505, seenAt: 500 }], 500), []);
  assert.deepEqual(await store.expire(504), []);
  assert.deepEqual(await store.put([lease("u", "b", 2_000)], 503), [], "reconnected within the grace: no flap");
  assert.deepEqual(await store.expire(600), [], "the new lease holds");
});

test("leases already over are ignored: a silent socket is not renewed into being online", async () => {
  const store = new MemoryPresenceStore();
  assert.deepEqual(await store.put([lease("u", "a", 100)], 100), []);
  assert.deepEqual([...(await store.online(["u"], 100))], []);
  assert.deepEqual(await store.expire(100), []);
});

test("a lease nobody renews runs out on its own, whoever calls expire (a crashed node's users go offline)", async () => {
  const store = new MemoryPresenceStore();
  await store.put([lease("crashed-node-user", "n2:1", 60_000, 0), lease("live-user", "n1:1", 60_000, 0)], 0);
  await store.put([lease("live-user", "n1:1", 120_000, 60_000)], 59_000);
  assert.deepEqual(await store.expire(60_000), [{ userId: "crashed-node-user", lastSeen: 0 }]);
  assert.deepEqual([...(await store.online(["crashed-node-user", "live-user"], 60_000))], ["live-user"]);
});
