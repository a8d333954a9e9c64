import assert from "node:assert/strict";
import { test } from "node:test";
import { nameMatches } from "./nameFilter.ts";

test("a name or username containing the typed text matches, whatever the case and accents", () => {
  const jose = { name: "José Álvarez", username: "jalvarez" };
  assert.equal(nameMatches("jose", jose), true);
  assert.equal(nameMatches("ÁLV", jose), true);
  assert.equal(nameMatches("@jalv", jose), true);
  assert.equal(nameMatches("se  Álv", jose), true);
  assert.equal(nameMatches("maria", jose), false);
  assert.equal(nameMatches("   ", jose), false);
  assert.equal(nameMatches("ann", { name: null, username: "annie" }), true);
});
