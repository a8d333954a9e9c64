import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { assertKeysExpire, scratchRedis } from "../../test/support/redis.ts";
import type { Link } from "./link.ts";
import { RedisLinkStore } from "./redisStore.ts";
import { MemoryLinkStore, type LinkStore } from "./store.ts";

function link(id: string, refs: [string, string][], state: Link["state"] = "pending", ip = "10.0.0.1"): Link {
  return {
    id,
    publicKey: "k",
    fingerprint: "f",
    device: { name: "d", platform: "p" },
    ip,
    userAgent: "",
    createdAt: 0,
    linkExpiresAt: 300,
    expiresAt: 300,
    rotatesAt: 30,
    refs: refs.map(([ref, code]) => ({ ref, code, expiresAt: 60 })),
    state,
  };
}

// The same contract, in process and in Redis (each Redis test on a fresh key prefix, removed after).
const implementations: [string, (t: TestContext) => Promise<LinkStore>][] = [
  ["in process", () => Promise.resolve(new MemoryLinkStore())],
  [
    "Redis",
    async (t) => {
      const scratch = await scratchRedis(t);
      return new RedisLinkStore(scratch.redis, scratch.prefix);
    },
  ],
];

for (const [name, make] of implementations) {
  describe(`link store (${name})`, () => {
    test("refs and codes are indexed with their link and follow its updates", async (t) => {
      const store = await make(t);
      await store.create(link("a", [["r1", "C1"]]));
      assert.equal(await store.idByRef("r1"), "a");
      assert.equal(await store.idByCode("C1"), "a");
      await store.update("a", (l) => void (l.refs = [...l.refs, { ref: "r2", code: "C2", expiresAt: 90 }]));
      assert.equal(await store.idByRef("r2"), "a");
      await store.update("a", (l) => void (l.refs = l.refs.slice(1)));
      assert.equal(await store.idByRef("r1"), undefined, "a dropped ref is not found");
      assert.equal(await store.idByCode("C1"), undefined);
      await store.delete("a");
      assert.equal(await store.idByRef("r2"), undefined);
      assert.equal(await store.idByCode("C2"), undefined);
      assert.equal(await store.get("a"), undefined);
    });

    test("a change that throws stores nothing; a returned link is a copy", async (t) => {
      const store = await make(t);
      await store.create(link("a", [["r1", "C1"]]));
      await assert.rejects(
        store.update("a", (l) => {
          l.state = "claimed";
          throw new Error("no");
        }),
      );
      assert.equal((await store.get("a"))?.state, "pending");
      const copy = await store.get("a");
      copy!.state = "denied";
      assert.equal((await store.get("a"))?.state, "pending");
      assert.equal(await store.update("missing", () => 1), undefined);
    });

    test("of concurrent updates each sees the one before: one claim wins", async (t) => {
      const store = await make(t);
      await store.create(link("a", [["r1", "C1"]]));
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          store.update("a", (l) => {
            if (l.state !== "pending") throw new Error("used");
            l.state = "claimed";
            return i;
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    });

    test("due links and pending links per address", async (t) => {
      const store = await make(t);
      await store.create(link("a", [["r1", "C1"]]));
      await store.create(link("b", [["r2", "C2"]], "claimed"));
      await store.create(link("c", [["r3", "C3"]], "pending", "10.0.0.2"));
      assert.deepEqual((await store.dueIds(29)).sort(), []);
      assert.deepEqual((await store.dueIds(30)).sort(), ["a", "c"], "pending links rotate; a claimed one does not");
      assert.deepEqual((await store.dueIds(300)).sort(), ["a", "b", "c"]);
      assert.equal(await store.countPendingByIp("10.0.0.1"), 1);
      assert.equal(await store.countPendingByIp("10.0.0.2"), 1);
    });
  });
}

/** A claim as LinkService makes it: only a pending link can be claimed. */
const claim = (by: string) => (l: Link) => {
  if (l.state !== "pending") throw new Error("used");
  l.state = "claimed";
  l.claim = { userId: by, sessionId: by, ip: "10.0.0.9", at: 1 };
  return by;
};

describe("link store in Redis, several nodes at once", () => {
  test("claims through separate connections: exactly one wins, and the link holds the winner's claim", async (t) => {
    const scratch = await scratchRedis(t);
    const nodes = Array.from({ length: 20 }, () => new RedisLinkStore(scratch.connect(), scratch.prefix));
    await nodes[0]!.create(link("a", [["r1", "C1"]]));
    const results = await Promise.allSettled(nodes.map((node, i) => node.update("a", claim(`user${i}`))));
    const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    assert.equal(won.length, 1);
    assert.equal((await nodes[5]!.get("a"))?.claim?.userId, won[0]);
    assert.ok(results.every((r) => r.status === "fulfilled" || (r.reason as Error).message === "used"));
  });

  test("a ticket is spent once: of concurrent redemptions through separate connections one wins", async (t) => {
    const scratch = await scratchRedis(t);
    const nodes = Array.from({ length: 20 }, () => new RedisLinkStore(scratch.connect(), scratch.prefix));
    await nodes[0]!.create({ ...link("a", [["r1", "C1"]], "approved"), ticketHash: "h" });
    const redeem = (l: Link) => {
      if (l.state !== "approved") throw new Error("spent");
      l.state = "redeemed";
      return true;
    };
    const results = await Promise.allSettled(nodes.map((node) => node.update("a", redeem)));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  });

  test("a link whose key the safety TTL took is neither due nor counted as pending", async (t) => {
    const scratch = await scratchRedis(t);
    const store = new RedisLinkStore(scratch.redis, scratch.prefix);
    await store.create(link("a", [["r1", "C1"]]));
    await scratch.redis.del(`${scratch.prefix}link:r:a`);
    assert.deepEqual(await store.dueIds(1_000), []);
    assert.equal(await store.countPendingByIp("10.0.0.1"), 0);
  });

  test("keys never outlive their safety TTL", async (t) => {
    const scratch = await scratchRedis(t);
    const store = new RedisLinkStore(scratch.redis, scratch.prefix, 300);
    await store.create(link("a", [["r1", "C1"]]));
    await store.update("a", claim("u"));
    await store.create(link("b", [["r2", "C2"]]));
    await assertKeysExpire(scratch, 300);
  });
});
