import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonShapeProblem, MAX_JSON_DEPTH, MAX_JSON_ITEMS, MAX_JSON_LITERAL_BYTES, MAX_JSON_STRING_BYTES } from "./json.ts";

const problem = (value: string) => jsonShapeProblem(new TextEncoder().encode(value));

test("JSON as deep as allowed passes; one level more is refused", () => {
  assert.equal(problem(`${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`), null);
  assert.match(problem(`{"a":${"[".repeat(MAX_JSON_DEPTH)}1${"]".repeat(MAX_JSON_DEPTH)}}`) ?? "", /nested more than 16/);
});

test("brackets, colons, commas and escaped quotes inside strings do not count", () => {
  const text = JSON.stringify({ text: `${"[{,".repeat(2000)}\\":${":".repeat(2000)}"😀` });
  assert.equal(problem(text), null);
});

test("too many object members or array elements are refused", () => {
  const members = (n: number) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])));
  assert.equal(problem(members(MAX_JSON_ITEMS / 2)), null);
  assert.match(problem(members(MAX_JSON_ITEMS)) ?? "", /more than 4096 items/);
  assert.match(problem(JSON.stringify(Array.from({ length: MAX_JSON_ITEMS + 2 }, () => 0))) ?? "", /more than 4096 items/);
});

test("a 4,096-character text fully escaped passes; a longer string is refused", () => {
  assert.equal(problem(JSON.stringify({ text: "\u0001".repeat(4096) })), null);
  assert.equal(MAX_JSON_STRING_BYTES, JSON.stringify("\u0001".repeat(4096)).length - 2);
  assert.match(problem(JSON.stringify({ text: "😀".repeat(MAX_JSON_STRING_BYTES / 4 + 1) })) ?? "", /string over 24576 bytes/);
});

test("numbers as long as a double's text pass; a 33-digit one is refused", () => {
  assert.equal(problem(JSON.stringify({ seq: Number.MAX_SAFE_INTEGER, at: -1.7976931348623157e308, ok: true, none: null })), null);
  assert.match(problem(`{"seq":${"9".repeat(MAX_JSON_LITERAL_BYTES + 1)}}`) ?? "", /number over 32 characters/);
});
