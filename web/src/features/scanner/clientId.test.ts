import assert from "node:assert/strict";
import { test } from "node:test";
import { ClientId } from "@easyqr/protocol";
import { newClientId } from "./clientId.ts";

test("client ids match the protocol and do not repeat", () => {
  const ids = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const id = newClientId();
    assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
    assert.ok(ClientId.safeParse(id).success);
    ids.add(id);
  }
  assert.equal(ids.size, 2000);
});

test("all-ones bytes still give url-safe characters", () => {
  assert.equal(newClientId((b) => b.fill(255)), "_____________________w");
});
