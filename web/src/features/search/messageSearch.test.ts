import assert from "node:assert/strict";
import { test } from "node:test";
import type { SearchPage } from "@easyqr/protocol";
import { MessageSearch, searchable, type MessageResults } from "./messageSearch.ts";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const page = (q: string, next: string | null = null): SearchPage => ({
  hits: [{ chatId: "c", messageId: q, seq: 1, senderId: "u", createdAt: 1, snippet: { text: q, highlights: [], cutStart: false, cutEnd: false } }],
  next,
});

test("only text with a word of two characters or more is sent", () => {
  assert.equal(searchable("a"), undefined);
  assert.equal(searchable(' " * '), undefined);
  assert.equal(searchable("  hi "), "hi");
  assert.equal(searchable("x".repeat(500))?.length, 200);
});

test("asks once typing pauses, and an answer for older text never replaces a newer one", async () => {
  const asked: { q: string; signal: AbortSignal }[] = [];
  const answers = new Map<string, (page: SearchPage) => void>();
  const states: MessageResults[] = [];
  const search = new MessageSearch(
    (q, _before, signal) => {
      asked.push({ q, signal });
      return new Promise((resolve) => answers.set(q, resolve));
    },
    (s) => states.push(s),
    20,
  );
  search.type("he");
  search.type("hel");
  search.type("hell");
  await wait(40);
  assert.deepEqual(
    asked.map((a) => a.q),
    ["hell"],
    "one request after the pause",
  );
  search.type("hello");
  await wait(40);
  assert.equal(asked[0]?.signal.aborted, true, "the stale request is aborted");
  answers.get("hell")?.(page("hell"));
  answers.get("hello")?.(page("hello", "next"));
  await wait(0);
  const last = states.at(-1);
  assert.equal(last?.status, "done");
  assert.deepEqual(last?.status === "done" ? [last.q, last.hits.map((h) => h.messageId), last.next] : [], ["hello", ["hello"], "next"]);
  assert.equal(
    states.some((s) => s.status === "done" && s.q === "hell"),
    false,
  );

  search.more();
  await wait(0);
  answers.get("hello")?.(page("hello2"));
  search.type("");
  assert.deepEqual(states.at(-1), { status: "idle" });
});
