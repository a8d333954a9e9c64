import assert from "node:assert/strict";
import { test } from "node:test";
import { tabTitle } from "./unread.ts";

test("the tab title carries the unread count only when there is one", () => {
  assert.equal(tabTitle(0), "EasyQR");
  assert.equal(tabTitle(3), "(3) EasyQR");
  assert.equal(tabTitle(1200), "(1,200) EasyQR");
});
