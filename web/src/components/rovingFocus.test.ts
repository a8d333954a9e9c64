import assert from "node:assert/strict";
import { test } from "node:test";
import { nextIndex } from "./rovingFocus.ts";

test("arrows step through a list and wrap around; Home and End go to the ends", () => {
  assert.equal(nextIndex("ArrowDown", 0, 3, "vertical"), 1);
  assert.equal(nextIndex("ArrowDown", 2, 3, "vertical"), 0);
  assert.equal(nextIndex("ArrowUp", 0, 3, "vertical"), 2);
  assert.equal(nextIndex("Home", 2, 3, "vertical"), 0);
  assert.equal(nextIndex("End", 0, 3, "vertical"), 2);
});

test("only the arrows of the list's direction move; other keys are left alone", () => {
  assert.equal(nextIndex("ArrowRight", 0, 3, "vertical"), undefined);
  assert.equal(nextIndex("ArrowDown", 0, 3, "horizontal"), undefined);
  assert.equal(nextIndex("ArrowRight", 1, 3, "both"), 2);
  assert.equal(nextIndex("ArrowUp", 1, 3, "both"), 0);
  assert.equal(nextIndex("Enter", 1, 3, "both"), undefined);
  assert.equal(nextIndex("ArrowDown", 0, 0, "vertical"), undefined);
});

test("from outside the items, forward goes to the first and back to the last", () => {
  assert.equal(nextIndex("ArrowDown", -1, 4, "vertical"), 0);
  assert.equal(nextIndex("ArrowUp", -1, 4, "vertical"), 3);
});
