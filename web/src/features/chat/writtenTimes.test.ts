import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStorage } from "../../api/storage.ts";
import { MAX_WRITTEN_TIMES, writtenTimes } from "./writtenTimes.ts";

test("a message that waited in the outbox shows when it was written, also after a reload", () => {
  const storage = new MemoryStorage();
  const times = writtenTimes(storage);
  times.remember([{ clientId: "c1", createdAt: 1_000 }]);
  // Delivered an hour later: the server's stamp is the delivery time.
  assert.equal(times.shownAt({ clientId: "c1", createdAt: 3_601_000 }), 1_000);
  assert.equal(writtenTimes(storage).shownAt({ clientId: "c1", createdAt: 3_601_000 }), 1_000, "kept across a reload");
  // Messages that never waited, and clocks that disagree the other way, keep the server's time.
  assert.equal(times.shownAt({ clientId: "other", createdAt: 5 }), 5);
  times.remember([{ clientId: "c2", createdAt: 9_000 }]);
  assert.equal(times.shownAt({ clientId: "c2", createdAt: 8_000 }), 8_000);
});

test("only the newest written times are kept", () => {
  const storage = new MemoryStorage();
  const times = writtenTimes(storage);
  times.remember(Array.from({ length: MAX_WRITTEN_TIMES + 5 }, (_, i) => ({ clientId: `c${i}`, createdAt: i })));
  const reloaded = writtenTimes(storage);
  assert.equal(reloaded.shownAt({ clientId: "c0", createdAt: 10_000 }), 10_000, "the oldest were dropped");
  assert.equal(reloaded.shownAt({ clientId: `c${MAX_WRITTEN_TIMES + 4}`, createdAt: 10_000 }), MAX_WRITTEN_TIMES + 4);
});
