import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { Connection } from "../../realtime/connection.ts";
import { MemoryStorage } from "../../api/storage.ts";
import { fakeSockets } from "../../realtime/fakeSocket.ts";
import { DesktopLink } from "./desktopLink.ts";

const sessionId = "7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f";
const qr = (n: number) => ({ url: `http://h/pair#sid=${sessionId}&t=t${n}`, token: `t${n}`, code: "ABCD2345", expiresAt: 99, rotatesAt: 20 });
/** The server's answer to `{create}`: the first WAITING, with the desktop's secret. */
const created = { type: "WAITING", sessionId, qr: qr(1), expiresAt: 300, desktopToken: "desk" };
const scan = (seq: number) => ({ id: `s${seq}`, text: `T${seq}`, format: "QRCode", scannedAt: 1, receivedAt: 2, phoneId: "ph1", seq });
const connected = {
  type: "CONNECTED",
  sessionId,
  role: "desktop",
  phones: [{ phoneId: "ph1", online: true }],
  desktopOnline: true,
  allowMultiplePhones: false,
};

let f: ReturnType<typeof fakeSockets>;
let session: MemoryStorage;
let local: MemoryStorage;

function link() {
  return new DesktopLink({ server: "http://h", session, local, connect: (o) => new Connection({ ...o, createSocket: f.createSocket, random: () => 0 }) });
}

beforeEach(() => {
  f = fakeSockets();
  session = new MemoryStorage();
  local = new MemoryStorage();
  mock.timers.enable({ apis: ["setTimeout"] });
});
afterEach(() => mock.timers.reset());

/** A desktop whose session the server made on its socket. */
function createdLink() {
  const desk = link();
  desk.create();
  f.last().open();
  f.last().deliver(created);
  return desk;
}

test("create sends {create} on the socket; its WAITING shows the QR and keeps the secret; a drop reconnects with it", () => {
  const desk = link();
  desk.create(true);
  assert.equal(desk.snapshot.view.kind, "creating");
  f.last().open();
  assert.deepEqual(f.last().sent[0], { create: { allowMultiplePhones: true } });
  f.last().deliver(created);
  assert.deepEqual(desk.snapshot.view, { kind: "waiting", qr: qr(1), expiresAt: 300 });
  assert.equal(desk.snapshot.sessionId, sessionId);
  assert.deepEqual(JSON.parse(session.getItem("easyqr.desktop") ?? "null"), { sessionId, desktopToken: "desk" });
  f.last().drop();
  mock.timers.tick(60_000);
  f.last().open();
  assert.deepEqual(f.last().sent[0], { sessionId, desktopToken: "desk" }, "the same session, not a new one");
});

test("a drop before the answer creates again; leaving the page then starts over", () => {
  const desk = link();
  desk.create();
  f.last().open();
  f.last().drop();
  mock.timers.tick(60_000);
  f.last().open();
  assert.deepEqual(f.last().sent[0], { create: { allowMultiplePhones: false } });
  desk.suspend();
  assert.deepEqual(desk.snapshot.view, { kind: "idle" });
  assert.equal(session.getItem("easyqr.desktop"), null);
});

test("each WAITING swaps the QR; CONNECTED asks for missed scans", () => {
  const desk = createdLink();
  f.last().deliver({ type: "WAITING", sessionId, qr: qr(2), expiresAt: 300 });
  assert.equal(desk.snapshot.view.kind === "waiting" && desk.snapshot.view.qr.token, "t2");
  f.last().deliver(connected);
  assert.equal(desk.snapshot.view.kind, "connected");
  assert.deepEqual(f.last().sent.at(-1), { type: "SCANS_SINCE", seq: 0 });
  f.last().deliver(connected);
  assert.equal(f.last().sent.length, 2, "later CONNECTED events do not ask again");
});

test("scans are deduplicated, kept across a reload, and the reload asks from the last seq", () => {
  const desk = createdLink();
  f.last().deliver(connected);
  f.last().deliver({ type: "SCAN", scan: scan(1) });
  f.last().deliver({ type: "SCANS", scans: [scan(1), scan(2)] });
  f.last().deliver({ type: "SCAN", scan: scan(2) });
  assert.deepEqual(
    desk.snapshot.scans.map((s) => s.seq),
    [1, 2],
  );
  desk.suspend();

  const reloaded = link();
  reloaded.resume();
  assert.equal(reloaded.snapshot.view.kind, "resuming");
  assert.equal(reloaded.snapshot.scans.length, 2);
  f.last().open();
  assert.deepEqual(f.last().sent[0], { sessionId, desktopToken: "desk" });
  f.last().deliver(connected);
  assert.deepEqual(f.last().sent.at(-1), { type: "SCANS_SINCE", seq: 2 });
});

test("PEER_LEFT keeps the link and shows the phone offline; EXPIRED forgets the session", () => {
  const desk = createdLink();
  f.last().deliver(connected);
  f.last().deliver({ type: "PEER_LEFT", role: "phone", phones: [{ phoneId: "ph1", online: false }], desktopOnline: true });
  assert.deepEqual(desk.snapshot.view.kind === "connected" && desk.snapshot.view.phones, [{ phoneId: "ph1", online: false }]);
  f.last().deliver({ type: "EXPIRED", sessionId });
  assert.equal(desk.snapshot.view.kind, "expired");
  assert.equal(session.getItem("easyqr.desktop"), null);
});

test("a session the server no longer knows returns to the start with words", () => {
  session.setItem("easyqr.desktop", JSON.stringify({ sessionId, desktopToken: "desk" }));
  const desk = link();
  desk.resume();
  f.last().open();
  f.last().deliver({ type: "ERROR", error: { code: "PAIR_SESSION_NOT_FOUND", message: "gone" } });
  assert.deepEqual(desk.snapshot.view, { kind: "idle", error: "That desktop session no longer exists. Create a new one on the desktop." });
  assert.equal(session.getItem("easyqr.desktop"), null);
});

test("a refused create shows the error code in words and does not retry", () => {
  const desk = link();
  desk.create();
  f.last().open();
  const sockets = f.sockets.length;
  f.last().deliver({ type: "ERROR", error: { code: "RATE_LIMITED", message: "x" } });
  f.last().drop(4000);
  mock.timers.tick(60_000);
  assert.deepEqual(desk.snapshot.view, { kind: "idle", error: "Too many attempts. Wait a minute, then try again." });
  assert.equal(f.sockets.length, sockets);
});

test("allowing more phones is acknowledged, then a join QR is shown", async () => {
  const desk = createdLink();
  f.last().deliver(connected);
  const result = desk.setMultiPhone(true);
  const frame = f.last().sent.at(-1) as { type: string; id: string; allow: boolean };
  assert.equal(frame.type, "SET_MULTI_PHONE");
  f.last().deliver({ ...connected, allowMultiplePhones: true, qr: qr(2) });
  f.last().deliver({ type: "ACK", id: frame.id });
  assert.equal(await result, undefined);
  assert.ok(desk.snapshot.view.kind === "connected" && desk.snapshot.view.joinQr?.token === "t2");
  f.last().deliver({ ...connected, allowMultiplePhones: true, qr: qr(3) });
  const view = desk.snapshot.view;
  assert.ok(view.kind === "connected" && view.allowMultiplePhones && view.joinQr?.token === "t3");
});
