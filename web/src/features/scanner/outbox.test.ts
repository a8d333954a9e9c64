import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClientFrame } from "@easyqr/protocol";
import { MemoryStorage } from "../../api/storage.ts";
import type { Ack as AckOf } from "../../realtime/acks.ts";
import { Outbox } from "./outbox.ts";
import { ScanSender, type ScanOutcome } from "./scanSender.ts";

const sid = "7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f";
const scan = (id: string, text = `text-${id}`) => ({ id, text, format: "QRCode" as const, scannedAt: 1 });
type Ack = AckOf<"SCAN">;

test("the outbox survives a reload and keeps order", () => {
  const storage = new MemoryStorage();
  const a = new Outbox(storage, sid);
  a.add(scan("1"));
  a.add(scan("2"));
  a.add(scan("3"));
  a.remove("2");
  const b = new Outbox(storage, sid);
  assert.deepEqual(
    b.list().map((s) => s.id),
    ["1", "3"],
  );
  assert.equal(new Outbox(storage, "7d3c6f4e-2a1b-4c5d-8e9f-000000000000").size, 0, "one outbox per session");
});

test("the outbox stores an id once and ignores garbage in storage", () => {
  const storage = new MemoryStorage();
  const box = new Outbox(storage, sid);
  assert.equal(box.add(scan("1")), true);
  assert.equal(box.add(scan("1", "other")), false);
  assert.equal(box.size, 1);
  box.remove("1");
  assert.equal(storage.length, 0, "an empty outbox leaves nothing behind");
  storage.setItem(`easyqr.outbox.${sid}`, '[{"id":"bad id!"}]');
  assert.equal(new Outbox(storage, sid).size, 0);
  storage.setItem(`easyqr.outbox.${sid}`, "{not json");
  assert.equal(new Outbox(storage, sid).size, 0);
});

/** A transport whose ACKs the test hands out one by one. */
function fakeTransport() {
  const sent: { frame: ClientFrame; settle: (ack: Ack | Error) => void }[] = [];
  let ready = false;
  return {
    sent,
    setReady: (r: boolean) => (ready = r),
    transport: {
      ready: () => ready,
      request: (frame: ClientFrame) =>
        new Promise<Ack>((resolve, reject) => sent.push({ frame, settle: (a) => (a instanceof Error ? reject(a) : resolve(a)) })),
    },
  };
}
const ids = (frames: { frame: ClientFrame }[]) => frames.map(({ frame }) => (frame.type === "SCAN" ? frame.scan.id : "?"));
const tick = () => new Promise((r) => setImmediate(r));

test("scans wait while offline and go out in order on reconnect; an ACK removes them", async () => {
  const storage = new MemoryStorage();
  const t = fakeTransport();
  const outcomes: ScanOutcome[] = [];
  const sender = new ScanSender(new Outbox(storage, sid), t.transport, (o) => outcomes.push(o));
  sender.enqueue(scan("a"));
  sender.enqueue(scan("b"));
  assert.equal(t.sent.length, 0);
  t.setReady(true);
  sender.flush();
  assert.deepEqual(ids(t.sent), ["a", "b"]);
  sender.flush();
  assert.equal(t.sent.length, 2, "nothing is sent twice while its ACK is awaited");
  t.sent[0]!.settle({ type: "ACK", id: "a", seq: 1 });
  await tick();
  assert.equal(sender.pending, 1);
  assert.deepEqual(outcomes, [{ scan: scan("a"), result: "sent", seq: 1 }]);
  assert.deepEqual(
    new Outbox(storage, sid).list().map((s) => s.id),
    ["b"],
    "stored state follows",
  );
});

test("a lost ACK keeps the scan for the next flush with the same id", async () => {
  const t = fakeTransport();
  const sender = new ScanSender(new Outbox(new MemoryStorage(), sid), t.transport, () => {});
  t.setReady(true);
  sender.enqueue(scan("a"));
  t.sent[0]!.settle(new Error("disconnected"));
  await tick();
  assert.equal(sender.pending, 1);
  sender.flush();
  assert.deepEqual(ids(t.sent), ["a", "a"]);
});

test("a passing error keeps the scan, a permanent one drops it", async () => {
  const t = fakeTransport();
  const outcomes: ScanOutcome[] = [];
  const sender = new ScanSender(new Outbox(new MemoryStorage(), sid), t.transport, (o) => outcomes.push(o));
  t.setReady(true);
  sender.enqueue(scan("a"));
  sender.enqueue(scan("b"));
  t.sent[0]!.settle({ type: "ACK", id: "a", error: { code: "RATE_LIMITED", message: "" } });
  t.sent[1]!.settle({ type: "ACK", id: "b", error: { code: "FRAME_INVALID", message: "" } });
  await tick();
  assert.equal(sender.pending, 1);
  assert.deepEqual(outcomes, [{ scan: scan("b"), result: "rejected", code: "FRAME_INVALID" }]);
  assert.equal(sender.enqueue(scan("a")), false, "a repeated id is not queued twice");
});
