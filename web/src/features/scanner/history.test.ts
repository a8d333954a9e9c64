import assert from "node:assert/strict";
import { test } from "node:test";
import type { Scan } from "@easyqr/protocol";
import { MemoryStorage } from "../../api/storage.ts";
import { pruneHistories, ScanHistory } from "./history.ts";

const sid = "7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f";
const scan = (seq: number, id = `id${seq}`, phoneId = "p"): Scan => ({ id, text: `t${seq}`, format: "EAN13", scannedAt: seq, receivedAt: seq, phoneId, seq });

test("live scans, backlogs and resends are kept once, in seq order", () => {
  const h = new ScanHistory(new MemoryStorage(), sid);
  assert.equal(h.add([scan(2)]), true);
  assert.equal(h.add([scan(1), scan(2), scan(3)]), true);
  assert.equal(h.add([scan(3)]), false);
  assert.equal(h.add([scan(9, "id1")]), false, "same phone + client id is the same scan");
  assert.equal(h.add([scan(4, "id1", "other-phone")]), true);
  assert.deepEqual(
    h.scans.map((s) => s.seq),
    [1, 2, 3, 4],
  );
  assert.equal(h.lastSeq, 4);
});

test("a reload finds the history and its last seq", () => {
  const storage = new MemoryStorage();
  new ScanHistory(storage, sid).add([scan(1), scan(2)]);
  const again = new ScanHistory(storage, sid);
  assert.equal(again.lastSeq, 2);
  assert.equal(again.scans.length, 2);
  assert.equal(new ScanHistory(storage, "7d3c6f4e-2a1b-4c5d-8e9f-000000000000").lastSeq, 0);
});

test("the list is capped and old sessions are pruned", () => {
  const storage = new MemoryStorage();
  const h = new ScanHistory(storage, sid, 3);
  h.add([1, 2, 3, 4, 5].map((n) => scan(n)));
  assert.deepEqual(
    h.scans.map((s) => s.seq),
    [3, 4, 5],
  );
  for (let i = 0; i < 5; i++) new ScanHistory(storage, `s${i}`, 10, () => i).add([scan(1)]);
  storage.setItem("other", "kept");
  pruneHistories(storage, 2);
  const left = [...Array(storage.length).keys()].map((i) => storage.key(i)).sort();
  assert.deepEqual(left, [`easyqr.history.${sid}`, "easyqr.history.s4", "other"]);
});
