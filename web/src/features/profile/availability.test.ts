import assert from "node:assert/strict";
import { test } from "node:test";
import { localAvailability } from "./availability.ts";

test("a username is judged locally first: empty, against the rules, or the user's own", () => {
  assert.deepEqual(localAvailability("", null), { kind: "empty" });
  assert.equal((localAvailability("ab", null) as { kind: string }).kind, "invalid");
  assert.equal((localAvailability("no spaces", null) as { kind: string }).kind, "invalid");
  assert.equal((localAvailability("émile", null) as { kind: string }).kind, "invalid");
  assert.equal((localAvailability("Ada_Lovelace", "ada_lovelace") as { kind: string }).kind, "own");
});

test("a valid username goes to the server in the protocol's form (trimmed, lower case)", () => {
  assert.deepEqual(localAvailability("  Ada_99 ", null), { username: "ada_99" });
  assert.deepEqual(localAvailability("ada", "someone"), { username: "ada" });
});
