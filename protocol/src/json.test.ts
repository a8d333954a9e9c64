import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonShapeProblem, MAX_JSON_DEPTH, MAX_JSON_MEMBERS } from "./json.ts";

test("JSON as deep as allowed passes; one level more is refused", () => {
  assert.equal(jsonShapeProblem(`${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`), null);
  assert.match(jsonShapeProblem(`{"a":${"[".repeat(MAX_JSON_DEPTH)}1${"]".repeat(MAX_JSON_DEPTH)}}`) ?? "", /nested more than 16/);
});

test("brackets, colons and escaped quotes inside strings do not count", () => {
  const text = JSON.stringify({ text: `${"[{".repeat(5000)}\\":${":".repeat(5000)}"` });
  assert.equal(jsonShapeProblem(text), null);
  assert.deepEqual(JSON.parse(text), { text: `${"[{".repeat(5000)}\\":${":".repeat(5000)}"` });
});

test("too many object members are refused", () => {
  const members = (n: number) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])));
  assert.equal(jsonShapeProblem(members(MAX_JSON_MEMBERS)), null);
  assert.match(jsonShapeProblem(members(MAX_JSON_MEMBERS + 1)) ?? "", /more than 2048 object members/);
});
