import assert from "node:assert/strict";
import { test } from "node:test";
import type { Peer } from "./peer.ts";
import { PeerGroups } from "./peerGroups.ts";

const peer = (name: string) => ({ name }) as unknown as Peer;

test("one peer, then a set, then one again: add and remove say when a key gets its first and loses its last", () => {
  const groups = new PeerGroups();
  const [a, b, c] = [peer("a"), peer("b"), peer("c")];
  assert.equal(groups.add("k", a), true);
  assert.equal(groups.add("k", a), false, "the same peer twice is still one");
  assert.deepEqual([...groups.of("k")], [a]);
  assert.equal(groups.add("k", b), false);
  assert.equal(groups.add("k", c), false);
  assert.deepEqual(new Set(groups.of("k")), new Set([a, b, c]));
  assert.equal(groups.remove("k", b), false);
  assert.equal(groups.remove("k", a), false);
  assert.deepEqual([...groups.of("k")], [c]);
  assert.equal(groups.remove("k", a), false, "a peer not there changes nothing");
  assert.equal(groups.remove("k", c), true);
  assert.equal(groups.has("k"), false);
  assert.deepEqual([...groups.of("k")], []);
  assert.equal(groups.remove("k", c), false);
});

test("keys and all peers across keys", () => {
  const groups = new PeerGroups();
  const [a, b, c] = [peer("a"), peer("b"), peer("c")];
  groups.add("x", a);
  groups.add("y", b);
  groups.add("y", c);
  assert.deepEqual(groups.keys().sort(), ["x", "y"]);
  assert.deepEqual(new Set(groups.all()), new Set([a, b, c]));
});
