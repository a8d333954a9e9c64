import assert from "node:assert/strict";
import { test } from "node:test";
import { clampSidebarWidth, SIDEBAR_MIN } from "./sidebarWidth.ts";

test("a dragged sidebar stays between its minimum and what leaves the chat its room", () => {
  assert.equal(clampSidebarWidth(100, 1280), SIDEBAR_MIN);
  assert.equal(clampSidebarWidth(500.4, 1280), 500);
  assert.equal(clampSidebarWidth(1200, 1280), 720, "never past 720 px");
  assert.equal(clampSidebarWidth(700, 1000), 580, "the chat keeps 420 px");
  assert.equal(clampSidebarWidth(700, 600), SIDEBAR_MIN, "a narrow window still gets the minimum");
  assert.equal(SIDEBAR_MIN, 340);
});
