import assert from "node:assert/strict";
import { test } from "node:test";
import { matchRanges, SearchQuery, searchTerms } from "./search.ts";

test("search terms are words only: query syntax separates them", () => {
  assert.deepEqual(searchTerms(`NEAR("a" b*) c:d & e|f !g 'h' hello hello`), ["NEAR", "a", "b", "c", "d", "e", "f", "g", "h", "hello"]);
  assert.deepEqual(searchTerms(`" * : & | ! ( ) -`), []);
  assert.deepEqual(searchTerms("Grüße 東京 x2"), ["Grüße", "東京", "x2"]);
});

test("the query is bounded before its words are looked at", () => {
  assert.equal(SearchQuery.safeParse({ q: "x".repeat(10_000) }).error?.issues.length, 1);
  assert.equal(SearchQuery.safeParse({ q: "a b c d e f g h" }).success, true);
  assert.equal(SearchQuery.safeParse({ q: "a b c d e f g h i" }).success, false);
  assert.equal(SearchQuery.safeParse({ q: "**" }).success, false);
});

test("ranges mark the words a term starts", () => {
  assert.deepEqual(matchRanges("hello, Helsinki! shell", ["hel"]), [
    { start: 0, end: 5 },
    { start: 7, end: 15 },
  ]);
});
