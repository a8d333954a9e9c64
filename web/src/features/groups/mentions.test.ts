import assert from "node:assert/strict";
import { test } from "node:test";
import { insertMention, mentionCandidates, mentionParts, mentionQuery, mentionsIn } from "./mentions.ts";

const members = [
  { id: "a", name: "Ada" },
  { id: "al", name: "Ada Lovelace" },
  { id: "b", name: "Bob Stone" },
];

test("an @ at a word's start opens the suggestions; an e-mail address does not", () => {
  assert.deepEqual(mentionQuery("hi @Ad", 6), { start: 3, query: "Ad" });
  assert.deepEqual(mentionQuery("@", 1), { start: 0, query: "" });
  assert.equal(mentionQuery("mail me@host", 12), undefined);
  assert.equal(mentionQuery("hi @Ada and", 11), undefined);
});

test("suggestions match a word of the name; picking one writes @Name and a space", () => {
  assert.deepEqual(
    mentionCandidates(members, "st").map((m) => m.id),
    ["b"],
  );
  assert.deepEqual(
    mentionCandidates(members, "ad").map((m) => m.id),
    ["a", "al"],
  );
  assert.deepEqual(insertMention("hi @Ad!", 3, 6, "Ada Lovelace"), { text: "hi @Ada Lovelace !", caret: 17 });
});

test("the mentions of a text: the longest name wins, each once", () => {
  assert.deepEqual(mentionsIn("@Ada Lovelace and @Bob Stone, @Bob Stone", members), ["al", "b"]);
  assert.deepEqual(mentionsIn("@Ada hi", members), ["a"]);
  assert.deepEqual(mentionsIn("no one", members), []);
});

test("a message's mentions are cut out for highlighting", () => {
  assert.deepEqual(mentionParts("hi @Ada, see @Bob Stone", ["Ada", "Bob Stone"]), [
    { text: "hi ", mention: false },
    { text: "@Ada", mention: true },
    { text: ", see ", mention: false },
    { text: "@Bob Stone", mention: true },
  ]);
  assert.deepEqual(mentionParts("a.b", ["."]), [{ text: "a.b", mention: false }]);
});
