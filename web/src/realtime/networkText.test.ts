import assert from "node:assert/strict";
import { test } from "node:test";
import { networkText } from "./networkText.ts";

test("offline says it waits for the network whatever the socket does; online, only a socket on its way shows", () => {
  for (const state of ["idle", "connecting", "ready", "retrying", "stopped"] as const) assert.equal(networkText(state, false), "Waiting for network…");
  assert.equal(networkText("connecting", true), "Connecting…");
  assert.equal(networkText("retrying", true), "Connecting…");
  assert.equal(networkText("ready", true), undefined);
  assert.equal(networkText("idle", true), undefined);
});
