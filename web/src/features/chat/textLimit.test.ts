import { MAX_TEXT_CHARS } from "@easyqr/protocol";
import assert from "node:assert/strict";
import { test } from "node:test";
import { COUNT_FROM, lengthNote } from "./textLimit.ts";

test("no counter while far from the limit, then the count against the protocol's limit", () => {
  assert.equal(lengthNote(0), undefined);
  assert.equal(lengthNote(COUNT_FROM - 1), undefined);
  assert.deepEqual(lengthNote(3_612), { text: "3,612 / 4,096", over: 0 });
  assert.deepEqual(lengthNote(MAX_TEXT_CHARS), { text: "4,096 / 4,096", over: 0 });
});

test("over the limit says by how much", () => {
  assert.deepEqual(lengthNote(MAX_TEXT_CHARS + 1), { text: "4,097 / 4,096 · 1 character over the limit", over: 1 });
  assert.deepEqual(lengthNote(5_300), { text: "5,300 / 4,096 · 1,204 characters over the limit", over: 1_204 });
});
