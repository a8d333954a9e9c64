import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { Connection } from "../../realtime/connection.ts";
import { MemoryStorage } from "../../api/storage.ts";
import { fakeSockets } from "../../realtime/fakeSocket.ts";
import { PhoneLink } from "./phoneLink.ts";

const sessionId = "7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f";
const device = { name: "Chrome on Pixel 8", platform: "Android" };
const connected = (extra: object = {}) => ({
  type: "CONNECTED",
  sessionId,
  role: "phone",
  phones: [{ phoneId: "ph1", device, online: true }],
  desktopOnline: true,
  allowMultiplePhones: false,
  phoneId: "ph1",
  ...extra,
});

let f: ReturnType<typeof fakeSockets>;
let local: MemoryStorage;
const tick = () => new Promise((r) => setImmediate(r));

function link() {
  return new PhoneLink({
    server: "http://h:3000",
    local,
    device,
    connect: (o) => new Connection({ ...o, createSocket: f.createSocket, random: () => 0 }),
    now: () => 42,
  });
}

beforeEach(() => {
  f = fakeSockets();
  local = new MemoryStorage();
  mock.timers.enable({ apis: ["setTimeout"] });
});
afterEach(() => mock.timers.reset());

test("pairing by QR sends the token with the device, then resumes with the phone secret", () => {
  const phone = link();
  phone.pairWithQr({ sessionId, token: "jwt", server: "http://h:3000" });
  assert.equal(phone.snapshot.view.kind, "connecting");
  f.last().open();
  assert.deepEqual(f.last().sent[0], { sessionId, token: "jwt", device });
  f.last().deliver(connected({ phoneToken: "secret" }));
  assert.deepEqual(phone.snapshot.view, { kind: "connected", desktopOnline: true, deviceName: device.name });
  assert.deepEqual(JSON.parse(local.getItem("easyqr.phone")!), { sessionId, phoneToken: "secret" });
  f.last().drop();
  mock.timers.tick(1);
  f.last().open();
  assert.deepEqual(f.last().sent[0], { sessionId, phoneToken: "secret" }, "the single-use token is never reused");
});

test("a typed code is sent as the code handshake", () => {
  const phone = link();
  phone.pairWithCode("ABCD2345");
  f.last().open();
  assert.deepEqual(f.last().sent[0], { code: "ABCD2345", device });
});

test("scans queue offline, survive a reload, go out on reconnect and leave on their ACK", async () => {
  local.setItem("easyqr.phone", JSON.stringify({ sessionId, phoneToken: "secret" }));
  const first = link();
  assert.equal(first.resume(), true);
  assert.equal(first.scan("4006381333931", "EAN13"), true);
  assert.equal(first.snapshot.pending, 1);
  first.suspend();

  const phone = link();
  phone.resume();
  assert.equal(phone.snapshot.pending, 1, "the outbox came back from storage");
  f.last().open();
  f.last().deliver(connected());
  const frames = f.last().sent.slice(1) as { type: string; scan: { id: string; text: string } }[];
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.scan.text, "4006381333931");
  f.last().deliver({ type: "ACK", id: frames[0]!.scan.id, seq: 1 });
  await tick();
  assert.equal(phone.snapshot.pending, 0);
  assert.equal(local.getItem(`easyqr.outbox.${sessionId}`), null);
});

test("a dead secret unlinks the phone and says why", () => {
  local.setItem("easyqr.phone", JSON.stringify({ sessionId, phoneToken: "old" }));
  const phone = link();
  phone.resume();
  f.last().open();
  f.last().deliver({ type: "ERROR", error: { code: "PAIR_PHONE_TOKEN_INVALID", message: "x" } });
  assert.equal(phone.snapshot.view.kind, "unpaired");
  assert.match((phone.snapshot.view as { error: string }).error, /no longer linked/);
  assert.equal(local.getItem("easyqr.phone"), null);
  assert.equal(phone.resume(), false);
});

test("an expired QR token is explained and keeps nothing", () => {
  const phone = link();
  phone.pairWithQr({ sessionId, token: "jwt", server: "http://h:3000" });
  f.last().open();
  f.last().deliver({ type: "ERROR", error: { code: "PAIR_TOKEN_EXPIRED", message: "x" } });
  f.last().drop(4000);
  mock.timers.tick(60_000);
  assert.deepEqual(phone.snapshot.view, { kind: "unpaired", error: "This code has expired — ask the desktop for a new one." });
  assert.equal(f.sockets.length, 1, "no reconnect with a dead token");
});

test("the desktop closing the session ends the link", () => {
  const phone = link();
  phone.pairWithQr({ sessionId, token: "jwt", server: "http://h:3000" });
  f.last().open();
  f.last().deliver(connected({ phoneToken: "secret" }));
  f.last().deliver({ type: "PEER_LEFT", role: "desktop", phones: [], desktopOnline: false });
  assert.deepEqual(phone.snapshot.view, { kind: "connected", desktopOnline: false, deviceName: device.name });
  f.last().deliver({ type: "CLOSED", sessionId });
  assert.equal(phone.snapshot.view.kind, "ended");
  assert.equal(local.getItem("easyqr.phone"), null);
});

test("a passing refusal of a first attempt is shown, not retried in a loop", () => {
  const phone = link();
  phone.pairWithCode("ABCD2345");
  f.last().open();
  f.last().deliver({ type: "ERROR", error: { code: "RATE_LIMITED", message: "x" } });
  f.last().drop(4000);
  mock.timers.tick(60_000);
  assert.deepEqual(phone.snapshot.view, { kind: "unpaired", error: "Too many attempts. Wait a minute, then try again." });
  assert.equal(f.sockets.length, 1);
});

test("a linked phone that loses its socket keeps its link and reconnects", () => {
  const phone = link();
  phone.pairWithQr({ sessionId, token: "jwt", server: "http://h:3000" });
  f.last().open();
  f.last().deliver(connected({ phoneToken: "secret" }));
  f.last().drop();
  assert.equal(phone.snapshot.view.kind, "connected");
  assert.equal(phone.snapshot.socket, "retrying");
  phone.retryNow();
  assert.equal(f.sockets.length, 2);
  f.last().open();
  f.last().deliver({ type: "ERROR", error: { code: "HANDSHAKE_TIMEOUT", message: "slow" } });
  assert.equal(phone.snapshot.view.kind, "connected", "a passing error on a resume keeps the link");
});
