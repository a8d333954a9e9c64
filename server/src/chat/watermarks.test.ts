import assert from "node:assert/strict";
import { test } from "node:test";
import { receiptsMark } from "@easyqr/protocol";
import { advance } from "./watermarks.ts";

test("watermarks only move up; seen implies delivered; nothing moved says so", () => {
  assert.deepEqual(advance({ deliveredSeq: 0, seenSeq: 0 }, 4, "delivered"), { deliveredSeq: 4, seenSeq: 0 });
  assert.deepEqual(advance({ deliveredSeq: 4, seenSeq: 0 }, 3, "seen"), { deliveredSeq: 4, seenSeq: 3 });
  assert.deepEqual(advance({ deliveredSeq: 4, seenSeq: 3 }, 6, "seen"), { deliveredSeq: 6, seenSeq: 6 });
  assert.equal(advance({ deliveredSeq: 6, seenSeq: 6 }, 2, "delivered"), undefined);
  assert.equal(advance({ deliveredSeq: 6, seenSeq: 6 }, 6, "seen"), undefined);
  assert.equal(advance({ deliveredSeq: 0, seenSeq: 0 }, 0, "seen"), undefined, "an empty chat moves nothing");
});

test("the receipts mark changes whenever any watermark moves, and only then", () => {
  const chat = { mine: { deliveredSeq: 5, seenSeq: 3 }, theirs: { deliveredSeq: 4, seenSeq: 4 } };
  const mark = receiptsMark(chat);
  assert.equal(receiptsMark({ ...chat }), mark);
  for (const moved of [
    { ...chat, mine: { deliveredSeq: 5, seenSeq: 5 } },
    { ...chat, theirs: { deliveredSeq: 6, seenSeq: 4 } },
    { ...chat, theirs: { deliveredSeq: 6, seenSeq: 6 } },
  ])
    assert.ok(receiptsMark(moved) > mark);
});
