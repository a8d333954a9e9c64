import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { insertAt, searchEmojis, toGroups } from "./emoji.ts";

const require = createRequire(import.meta.url);
const groups = toGroups(JSON.parse(readFileSync(require.resolve("unicode-emoji-json/data-by-group.json"), "utf8")) as never);

test("the data has Unicode's groups with named emojis", () => {
  assert.ok(groups.length >= 8);
  assert.equal(groups[0]?.emojis[0]?.emoji, "😀");
  assert.ok(groups.reduce((n, g) => n + g.emojis.length, 0) > 1500);
});

test("search matches the start of words, names starting with the query first", () => {
  const found = searchEmojis(groups, "thumbs").map((e) => e.emoji);
  assert.deepEqual(found.slice(0, 2), ["👍", "👎"]);
  assert.ok(searchEmojis(groups, "thu up").some((e) => e.emoji === "👍"));
  assert.ok(searchEmojis(groups, "heart").length > 10);
  assert.equal(searchEmojis(groups, "   ").length, 0);
  assert.equal(searchEmojis(groups, "zzzznothing").length, 0);
  assert.ok(searchEmojis(groups, "face", 5).length === 5);
});

test("an emoji goes in place of the selection, the caret after it", () => {
  assert.deepEqual(insertAt("hi there", "👋", 2, 2), { text: "hi👋 there", caret: 4 });
  assert.deepEqual(insertAt("hi there", "🙂", 3, 8), { text: "hi 🙂", caret: 5 });
  assert.deepEqual(insertAt("", "🎉", 5, 9), { text: "🎉", caret: 2 });
});
