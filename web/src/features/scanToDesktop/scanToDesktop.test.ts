import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClientFrame, ServerEventOf } from "@easyqr/protocol";
import { MemoryStorage } from "../../api/storage.ts";
import type { Ack } from "../../realtime/acks.ts";
import { DesktopScanner } from "./desktopScanner.ts";
import { forgetDeviceScans, ReceivedScans } from "./receivedScans.ts";

const deviceId = "0190f0a4-1b2c-7d3e-8f40-5a6b7c8d9e0f";
const tick = () => new Promise((resolve) => setImmediate(resolve));

function deviceScan(id: string, text: string): ServerEventOf<"DEVICE_SCAN"> {
  return {
    type: "DEVICE_SCAN",
    scan: { id, text, format: "QRCode", scannedAt: 1, fromDeviceId: "phone-session", fromDeviceName: "Pixel 9", receivedAt: 2 },
  };
}

test("the desktop keeps a resent scan once, confirms every copy, and its history survives a reload", () => {
  const storage = new MemoryStorage();
  const sent: ClientFrame[] = [];
  const options = { storage, sessionId: "desk", send: (f: ClientFrame) => sent.push(f), onChange: () => {} };
  const received = new ReceivedScans(options);
  received.event(deviceScan("a", "first"));
  received.event(deviceScan("a", "first"));
  received.event(deviceScan("b", "second"));
  assert.deepEqual(
    received.view.scans.map((s) => [s.text, s.seq, s.phoneId]),
    [
      ["first", 1, "phone-session"],
      ["second", 2, "phone-session"],
    ],
  );
  assert.deepEqual(
    sent.map((f) => (f.type === "DEVICE_SCAN_RECEIVED" ? f.scanId : f.type)),
    ["a", "a", "b"],
  );
  const reloaded = new ReceivedScans(options);
  assert.equal(reloaded.view.scans.length, 2);
  assert.equal(reloaded.view.names["phone-session"], "Pixel 9");
});

test("the phone keeps a scan while the desktop is offline and lets go only on the desktop's confirmation", async () => {
  const storage = new MemoryStorage();
  const answers: ((ack: Ack<"SCAN_TO_DEVICE">) => void)[] = [];
  const frames: ClientFrame[] = [];
  const live = {
    ready: true,
    request: (frame: Extract<ClientFrame, { type: "SCAN_TO_DEVICE" }>) => {
      frames.push(frame);
      return new Promise<Ack<"SCAN_TO_DEVICE">>((resolve) => answers.push(resolve));
    },
  };
  const scanner = new DesktopScanner({ live, deviceId, storage });
  scanner.scan("hello", "QRCode");
  assert.equal(frames.length, 1);
  const id = frames[0]!.type === "SCAN_TO_DEVICE" ? frames[0].scan.id : "";
  answers.shift()!({ type: "ACK", id, error: { code: "DEVICE_OFFLINE", message: "away" } });
  await tick();
  assert.deepEqual([scanner.snapshot.pending, scanner.snapshot.offline], [1, true]);
  // A reload: the outbox of this target is still there.
  const again = new DesktopScanner({ live, deviceId, storage });
  assert.equal(again.snapshot.pending, 1);
  again.flush();
  assert.equal(frames.length, 2);
  assert.equal(frames[1]!.type === "SCAN_TO_DEVICE" && frames[1].scan.id, id, "resent with the same id");
  answers.shift()!({ type: "ACK", id });
  await tick();
  assert.deepEqual([again.snapshot.pending, again.snapshot.offline], [0, false]);
  assert.equal(new DesktopScanner({ live, deviceId, storage }).snapshot.pending, 0);
});

test("signing out forgets the scans of the person's devices, on the desktop and on the phone, and nothing else", () => {
  const storage = new MemoryStorage();
  const received = new ReceivedScans({ storage, sessionId: "desk", send: () => {}, onChange: () => {} });
  received.event(deviceScan("a", "first"));
  storage.setItem("easyqr.outbox.device.some-desktop", "[]");
  storage.setItem("easyqr.history.pairing-session", "{}");
  forgetDeviceScans(storage);
  assert.equal(new ReceivedScans({ storage, sessionId: "desk", send: () => {}, onChange: () => {} }).view.scans.length, 0);
  assert.equal(storage.getItem("easyqr.outbox.device.some-desktop"), null);
  assert.equal(storage.getItem("easyqr.history.pairing-session"), "{}", "an anonymous pairing's history is not the account's");
});
