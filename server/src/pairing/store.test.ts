import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { assertKeysExpire, scratchRedis } from "../../test/support/redis.ts";
import { RedisPairingStore } from "./redisStore.ts";
import type { PairingSession } from "./session.ts";
import { MemoryPairingStore, type PairingStore } from "./store.ts";

function session(id: string, status: PairingSession["status"] = "PENDING", ip = "10.0.0.1"): PairingSession {
  return {
    id,
    status,
    createdAt: 0,
    expiresAt: 300,
    createdByIp: ip,
    desktopTokenHash: "h",
    desktopSockets: 0,
    allowMultiplePhones: false,
    tokens: [{ jti: `${id}-j1`, code: `${id}-C1`, token: "t", expiresAt: 150, state: "current" }],
    rotatesAt: 20,
    phones: [],
  };
}

/** The claim PairingService makes: the token must be unused; the winner adds its phone. */
const claim = (phoneId: string) => (s: PairingSession) => {
  const token = s.tokens[0]!;
  if (token.state === "used") throw new Error("used");
  token.state = "used";
  s.phones.push({ phoneId, phoneTokenHash: phoneId, sockets: 0 });
  s.status = "CONNECTED";
  return phoneId;
};

const scan = (id: string, text = "hello") => ({ id, text, format: "QRCode" as const, scannedAt: 1 });

// The same contract, in process and in Redis (each Redis test on a fresh key prefix, removed after).
const implementations: [string, (t: TestContext) => Promise<PairingStore>][] = [
  ["in process", () => Promise.resolve(new MemoryPairingStore())],
  [
    "Redis",
    async (t) => {
      const scratch = await scratchRedis(t);
      return new RedisPairingStore(scratch.redis, scratch.prefix);
    },
  ],
];

for (const [name, make] of implementations) {
  describe(`pairing store (${name})`, () => {
    test("a stored session comes back as a copy; a change that throws stores nothing", async (t) => {
      const store = await make(t);
      await store.create(session("a"));
      assert.deepEqual(await store.get("a"), session("a"));
      const copy = await store.get("a");
      copy!.status = "CLOSED";
      assert.equal((await store.get("a"))?.status, "PENDING");
      await assert.rejects(
        store.update("a", (s) => {
          s.status = "CONNECTED";
          throw new Error("no");
        }),
        /no/,
      );
      assert.equal((await store.get("a"))?.status, "PENDING");
      await store.update("a", (s) => s.phones.push({ phoneId: "p", phoneTokenHash: "h", sockets: 0, device: { name: "n", platform: "x" } }));
      const deep = await store.get("a");
      deep!.tokens[0]!.state = "used";
      deep!.phones[0]!.sockets = 5;
      deep!.phones[0]!.device!.name = "changed";
      await assert.rejects(store.update("a", (s) => ((s.tokens[0]!.state = "rotated"), (s.phones[0]!.device!.name = "draft"), assert.fail("no"))));
      const kept = await store.get("a");
      assert.deepEqual([kept?.tokens[0]?.state, kept?.phones[0]?.sockets, kept?.phones[0]?.device?.name], ["current", 0, "n"], "nothing nested is shared");
      assert.equal(await store.update("missing", () => 1), undefined);
      assert.equal(await store.get("missing"), undefined);
    });

    test("of concurrent claims of one token exactly one wins", async (t) => {
      const store = await make(t);
      await store.create(session("a"));
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => store.update("a", claim(`phone${i}`))));
      const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      assert.equal(won.length, 1);
      assert.deepEqual(
        (await store.get("a"))?.phones.map((p) => p.phoneId),
        won,
      );
    });

    test("concurrent counter changes are all kept (each update sees the one before)", async (t) => {
      const store = await make(t);
      await store.create(session("a"));
      await Promise.all(Array.from({ length: 20 }, () => store.update("a", (s) => void s.desktopSockets++)));
      assert.equal((await store.get("a"))?.desktopSockets, 20);
    });

    test("due sessions, pending ones per address, and deletion", async (t) => {
      const store = await make(t);
      await store.create(session("a"));
      await store.create({ ...session("b", "CLOSED"), expiresAt: 600 });
      await store.create(session("c", "PENDING", "10.0.0.2"));
      assert.deepEqual((await store.dueIds(19)).sort(), []);
      assert.deepEqual((await store.dueIds(20)).sort(), ["a", "c"], "live sessions rotate; an ended one waits for its deletion");
      assert.deepEqual((await store.dueIds(600)).sort(), ["a", "b", "c"]);
      assert.equal(await store.countPendingByIp("10.0.0.1"), 1);
      await store.update("a", (s) => void (s.status = "CONNECTED"));
      assert.equal(await store.countPendingByIp("10.0.0.1"), 0, "a paired session no longer waits");
      assert.equal(await store.countPendingByIp("10.0.0.2"), 1);
      await store.update("a", (s) => void (s.rotatesAt = 500));
      assert.deepEqual((await store.dueIds(20)).sort(), ["c"], "the due time follows the session");
      await store.update("a", (s) => void (s.status = "PENDING"));
      await store.create(session("d"));
      assert.equal(await store.countPendingByIp("10.0.0.1"), 2, "counted again while it waits, with a newer one");
      await store.delete("d");
      await store.delete("c");
      assert.equal(await store.countPendingByIp("10.0.0.2"), 0);
      assert.equal(await store.countPendingByIp("10.0.0.1"), 1);
      await store.update("a", (s) => void (s.status = "CONNECTED"));
      assert.deepEqual((await store.dueIds(1_000)).sort(), ["a", "b"]);
    });

    test("typed codes find their session until unindexed or the session is deleted", async (t) => {
      const store = await make(t);
      await store.create(session("a"));
      await store.indexCode("C1", "a");
      await store.indexCode("C2", "a");
      assert.equal(await store.findIdByCode("C1"), "a");
      await store.unindexCode("C1");
      assert.equal(await store.findIdByCode("C1"), undefined);
      await store.indexCode("C3", "b");
      await store.indexCode("C4", "a");
      await store.indexCode("C4", "b");
      await store.delete("a");
      assert.equal(await store.findIdByCode("C2"), undefined);
      assert.equal(await store.findIdByCode("C3"), "b", "another session's code stays");
      assert.equal(await store.findIdByCode("C4"), "b", "a code given to another session since is that one's");
    });

    test("scans: numbered from 1, once per (phone, client id), the newest kept, read since a seq", async (t) => {
      const store = await make(t);
      await store.create(session("a"));
      const first = await store.addScan("a", "p1", scan("s1"), 10, 3);
      assert.deepEqual(first, { scan: { ...scan("s1"), phoneId: "p1", receivedAt: 10, seq: 1 }, duplicate: false });
      assert.deepEqual(await store.addScan("a", "p1", scan("s1", "resent"), 11, 3), { ...first, duplicate: true }, "a resend gets the stored scan");
      assert.equal((await store.addScan("a", "p2", scan("s1"), 12, 3)).scan.seq, 2, "another phone's id is another scan");
      await store.addScan("a", "p1", scan("s2"), 13, 3);
      await store.addScan("a", "p1", scan("s3"), 14, 3);
      assert.deepEqual(
        (await store.scansSince("a", 0)).map((s) => [s.seq, s.phoneId, s.id]),
        [
          [2, "p2", "s1"],
          [3, "p1", "s2"],
          [4, "p1", "s3"],
        ],
        "the oldest beyond 3 is dropped",
      );
      assert.deepEqual(
        (await store.scansSince("a", 3)).map((s) => s.seq),
        [4],
      );
      await store.delete("a");
      assert.deepEqual(await store.scansSince("a", 0), []);
    });
  });
}

describe("pairing store in Redis, several nodes at once", () => {
  test("one phone token redeemed through separate connections: exactly one wins", async (t) => {
    const scratch = await scratchRedis(t);
    const nodes = Array.from({ length: 20 }, () => new RedisPairingStore(scratch.connect(), scratch.prefix));
    await nodes[0]!.create(session("a"));
    const results = await Promise.allSettled(nodes.map((node, i) => node.update("a", claim(`phone${i}`))));
    const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    assert.equal(won.length, 1);
    assert.deepEqual(
      (await nodes[7]!.get("a"))?.phones.map((p) => p.phoneId),
      won,
    );
    assert.ok(results.every((r) => r.status === "fulfilled" || (r.reason as Error).message === "used"));
  });

  test("scans sent through separate connections get distinct seqs without gaps", async (t) => {
    const scratch = await scratchRedis(t);
    const nodes = Array.from({ length: 10 }, () => new RedisPairingStore(scratch.connect(), scratch.prefix));
    await nodes[0]!.create(session("a"));
    const added = await Promise.all(nodes.map((node, i) => node.addScan("a", "p1", scan(`s${i}`), i, 100)));
    assert.deepEqual(
      added.map((a) => a.scan.seq).sort((x, y) => x - y),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  test("keys never outlive their safety TTL", async (t) => {
    const scratch = await scratchRedis(t);
    const store = new RedisPairingStore(scratch.redis, scratch.prefix, 300);
    await store.create(session("a"));
    await store.indexCode("C1", "a");
    await store.addScan("a", "p1", scan("s1"), 1, 10);
    await store.update("a", claim("p1"));
    await assertKeysExpire(scratch, 300);
  });
});
