import assert from "node:assert/strict";
import { test } from "node:test";
import { uuidv7 } from "./ids.ts";
import { ClientId } from "./scan.ts";

test("uuidv7: the version-7 layout, the time in front, valid as a client id, no repeats", () => {
  const ids = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const id = uuidv7();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(ClientId.safeParse(id).success);
    ids.add(id);
  }
  assert.equal(ids.size, 5000);
  const at = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
  assert.equal(Number.parseInt(uuidv7(at).replace("-", "").slice(0, 12), 16), at);
});

test("uuidv7: a later millisecond sorts later", () => {
  const at = Date.UTC(2026, 10, 23);
  for (let i = 0; i < 1000; i++) assert.ok(uuidv7(at + i) < uuidv7(at + i + 1));
});
