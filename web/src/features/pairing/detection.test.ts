import assert from "node:assert/strict";
import { test } from "node:test";
import { pairingUrl } from "@easyqr/protocol";
import { detectionAction } from "./detection.ts";

const sid = "7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f";
const here = "http://192.168.1.5:3000";
const qr = pairingUrl(here, sid, "jwt");

test("before pairing: our server's QR pairs, another server's is offered as a link, the rest is not a pairing code", () => {
  assert.deepEqual(detectionAction(qr, { paired: false, server: here }), { kind: "pair", payload: { sessionId: sid, token: "jwt", server: here } });
  assert.equal(detectionAction(pairingUrl("http://10.0.0.9:3000", sid, "jwt"), { paired: false, server: here }).kind, "other-server");
  assert.equal(
    detectionAction(JSON.stringify({ sessionId: sid, token: "jwt", server: "ws://192.168.1.5:3000" }), { paired: false, server: here }).kind,
    "pair",
  );
  assert.equal(detectionAction("4006381333931", { paired: false, server: here }).kind, "not-pairing");
});

test("once paired: everything is a scan except our own pairing QR", () => {
  assert.equal(detectionAction("HELLO-EASYQR-123", { paired: true, sessionId: sid, server: here }).kind, "scan");
  assert.equal(detectionAction(qr, { paired: true, sessionId: sid, server: here }).kind, "ignore");
  assert.equal(detectionAction(pairingUrl(here, "7d3c6f4e-2a1b-4c5d-8e9f-000000000000", "x"), { paired: true, sessionId: sid, server: here }).kind, "scan");
});
