import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { assertKeysExpire, scratchRedis } from "../../test/support/redis.ts";
import { RedisPresenceStore } from "./redisStore.ts";
import { MemoryPresenceStore, type PresenceStore } from "./store.ts";

const lease = (userId: string, leaseId: string, expiresAt: number, seenAt = expiresAt - 60) => ({ userId, leaseId, expiresAt, seenAt });

// The same contract, in process and in Redis (each Redis test on a fresh key prefix, removed after).
const implementations: [string, (t: TestContext) => Promise<PresenceStore>][] = [
  ["in process", () => Promise.resolve(new MemoryPresenceStore())],
  [
    "Redis",
    async (t) => {
      const scratch = await scratchRedis(t);
      return new RedisPresenceStore(scratch.redis, scratch.prefix);
    },
  ],
];

for (const [name, make] of implementations) {
  describe(`presence store (${name})`, () => {
    test("a user is online while any lease is live; put reports only the users that just came online", async (t) => {
      const store = await make(t);
      assert.deepEqual(await store.put([lease("u", "phone", 100), lease("u", "desk", 100)], 0), ["u"]);
      assert.deepEqual(await store.put([lease("u", "tab", 100)], 10), [], "already online");
      assert.deepEqual([...(await store.online(["u", "v"], 50))], ["u"]);
      assert.deepEqual([...(await store.online(["u"], 100))], [], "a lease ends at its expiresAt");
    });

    test("expire ends a user when the last lease runs out, with the newest seenAt as last seen", async (t) => {
      const store = await make(t);
      await store.put([lease("u", "a", 100, 40), lease("u", "b", 200, 70)], 0);
      assert.deepEqual(await store.expire(150), [], "one lease left");
      assert.deepEqual(await store.expire(200), [{ userId: "u", lastSeen: 70 }]);
      assert.deepEqual(await store.expire(300), [], "reported once");
    });

    test("moving a lease's end (a closed socket's grace) keeps the user online until then, without a new online", async (t) => {
      const store = await make(t);
      await store.put([lease("u", "a", 1_000)], 0);
      assert.deepEqual(await store.put([{ userId: "u", leaseId: "a", expiresAt: 505, seenAt: 500 }], 500), []);
      assert.deepEqual(await store.expire(504), []);
      assert.deepEqual(await store.put([lease("u", "b", 2_000)], 503), [], "reconnected within the grace: no flap");
      assert.deepEqual(await store.expire(600), [], "the new lease holds");
    });

    test("leases already over are ignored: a silent socket is not renewed into being online", async (t) => {
      const store = await make(t);
      assert.deepEqual(await store.put([lease("u", "a", 100)], 100), []);
      assert.deepEqual([...(await store.online(["u"], 100))], []);
      assert.deepEqual(await store.expire(100), []);
    });

    test("a lease nobody renews runs out on its own, whoever calls expire (a crashed node's users go offline)", async (t) => {
      const store = await make(t);
      await store.put([lease("crashed-node-user", "n2:1", 60_000, 0), lease("live-user", "n1:1", 60_000, 0)], 0);
      await store.put([lease("live-user", "n1:1", 120_000, 60_000)], 59_000);
      assert.deepEqual(await store.expire(60_000), [{ userId: "crashed-node-user", lastSeen: 0 }]);
      assert.deepEqual([...(await store.online(["crashed-node-user", "live-user"], 60_000))], ["live-user"]);
    });
  });
}

describe("presence store in Redis, several nodes at once", () => {
  test("nodes putting the same user's leases at once: the user comes online once", async (t) => {
    const scratch = await scratchRedis(t);
    const nodes = Array.from({ length: 8 }, () => new RedisPresenceStore(scratch.connect(), scratch.prefix));
    const came = await Promise.all(nodes.map((node, i) => node.put([lease("u", `node${i}:1`, 100)], 0)));
    assert.deepEqual(came.flat(), ["u"]);
  });

  test("nodes expiring at once: each user goes offline exactly once, whichever node reports it", async (t) => {
    const scratch = await scratchRedis(t);
    const nodes = Array.from({ length: 8 }, () => new RedisPresenceStore(scratch.connect(), scratch.prefix));
    const users = Array.from({ length: 1_200 }, (_, i) => `u${i}`);
    // More than one batch of leases and of users: the loops over batches are exercised too.
    assert.equal(
      (
        await nodes[0]!.put(
          users.map((u) => lease(u, `${u}:a`, 100, 7)),
          0,
        )
      ).length,
      users.length,
    );
    assert.equal((await nodes[1]!.online(users, 99)).size, users.length);
    const gone = (await Promise.all(nodes.map((node) => node.expire(100)))).flat();
    assert.equal(gone.length, users.length);
    assert.deepEqual(new Set(gone.map((g) => g.userId)), new Set(users));
    assert.ok(gone.every((g) => g.lastSeen === 7));
    assert.equal((await nodes[2]!.online(users, 100)).size, 0);
    assert.deepEqual(await scratch.keys(), [], "nothing is left of users gone offline");
  });

  test("keys never outlive their safety TTL", async (t) => {
    const scratch = await scratchRedis(t);
    const store = new RedisPresenceStore(scratch.redis, scratch.prefix, 300);
    await store.put([lease("u", "a", 1_000), lease("v", "b", 2_000)], 0);
    await store.expire(1_000);
    await assertKeysExpire(scratch, 300);
  });
});
