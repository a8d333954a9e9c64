import assert from "node:assert/strict";
import { test } from "node:test";
import { initials } from "./Avatar.tsx";

test("initials: first and last word of the name, else the username's first letter", () => {
  assert.equal(initials({ name: "Ada Lovelace", username: "ada" }), "AL");
  assert.equal(initials({ name: "Ada Augusta King Lovelace", username: null }), "AL");
  assert.equal(initials({ name: "grace", username: null }), "G");
  assert.equal(initials({ name: "  ", username: "lin_wu" }), "L");
  assert.equal(initials({ name: null, username: null }), "?");
  assert.equal(initials({ name: "Émile Zola", username: null }), "ÉZ");
});
