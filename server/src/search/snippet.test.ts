import assert from "node:assert/strict";
import { test } from "node:test";
import { snippetOf } from "./snippet.ts";

const marked = (s: ReturnType<typeof snippetOf>) => s.highlights.map((r) => s.text.slice(r.start, r.end));

test("a short message is shown whole, every word the terms start marked, accents and case folded", () => {
  const s = snippetOf("Café at the CAFETERIA?\nyes", ["cafe"]);
  assert.equal(s.text, "Café at the CAFETERIA? yes");
  assert.deepEqual(marked(s), ["Café", "CAFETERIA"]);
  assert.equal(s.cutStart || s.cutEnd, false);
});

test("a long message is cut around its first match, at spaces, never inside a surrogate pair", () => {
  const text = `${"😀 ".repeat(100)}needle ${"word ".repeat(100)}`;
  const s = snippetOf(text, ["needle"]);
  assert.ok(s.cutStart && s.cutEnd);
  assert.ok(s.text.length <= 160);
  assert.deepEqual(marked(s), ["needle"]);
  assert.ok(!/^[\udc00-\udfff]/.test(s.text) && !/[\ud800-\udbff]$/.test(s.text));
});
