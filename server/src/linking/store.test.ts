import assert from "node:assert/strict";
import { test } from "node:test";
import type { Link } from "./link.ts";
import { MemoryLinkStore } from "./store.ts";

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

test("refs and codes are indexed with their link and follow its updates", async () => {
  const store = new MemoryLinkStore();
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
  assert.equal(store.size, 0);
});

test("a change that throws stores nothing; a returned link is a copy", async () => {
  const store = new MemoryLinkStore();
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

test("of concurrent updates each sees the one before: one claim wins", async () => {
  const store = new MemoryLinkStore();
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

test("due links and pending links per address", async () => {
  const store = new MemoryLinkStore();
  await store.create(link("a", [["r1", "C1"]]));
  await store.create(link("b", [["r2", "C2"]], "claimed"));
  await store.create(link("c", [["r3", "C3"]], "pending", "10.0.0.2"));
  assert.deepEqual((await store.dueIds(29)).sort(), []);
  assert.deepEqual((await store.dueIds(30)).sort(), ["a", "c"], "pending links rotate; a claimed one does not");
  assert.deepEqual((await store.dueIds(300)).sort(), ["a", "b", "c"]);
  assert.equal(await store.countPendingByIp("10.0.0.1"), 1);
  assert.equal(await store.countPendingByIp("10.0.0.2"), 1);
});
