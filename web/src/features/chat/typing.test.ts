import assert from "node:assert/strict";
import { test } from "node:test";
import { TypingSender } from "./typing.ts";

test("typing is sent at the first key, renewed every 3 s, stopped once", () => {
  const sent: boolean[] = [];
  let now = 0;
  const typing = new TypingSender(
    (t) => sent.push(t),
    () => now,
  );
  typing.input("h");
  now = 1_000;
  typing.input("he");
  now = 3_000;
  typing.input("hel");
  assert.deepEqual(sent, [true, true]);
  typing.input("");
  typing.stop();
  assert.deepEqual(sent, [true, true, false]);
  typing.input("   ");
  assert.deepEqual(sent, [true, true, false], "blank text is not typing");
});
