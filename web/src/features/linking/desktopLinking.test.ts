import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { afterEach, beforeEach, mock, test } from "node:test";
import type { VerifyCodeResponse } from "@easyqr/protocol";
import { DeviceKeys } from "../../api/deviceKey.ts";
import { ApiError } from "../../api/http.ts";
import { Connection } from "../../realtime/connection.ts";
import { fakeSockets } from "../../realtime/fakeSocket.ts";
import { DesktopLinking, type RedeemBody } from "./desktopLinking.ts";

const code = (n: number) => ({
  type: "LINK_CODE",
  linkId: "link-1",
  qr: { url: `http://h/link#ref${n}.fp`, code: `ABCD234${n}`, expiresAt: 60_000, rotatesAt: 30_000 },
  linkExpiresAt: 300_000,
});

let f: ReturnType<typeof fakeSockets>;
let keys: DeviceKeys;
let redeemed: RedeemBody[];
let signedIn: VerifyCodeResponse[];
let redeemAnswer: () => Promise<VerifyCodeResponse>;
const result = { tokens: { accessToken: "a" }, user: { id: "u" }, isNewUser: false } as unknown as VerifyCodeResponse;

function linking() {
  return new DesktopLinking({
    server: "http://h",
    device: { name: "Firefox on Windows", platform: "Windows" },
    key: () => keys.get(),
    redeem: (body) => {
      redeemed.push(body);
      return redeemAnswer();
    },
    signedIn: (r) => signedIn.push(r),
    connect: (o) => new Connection({ ...o, createSocket: f.createSocket, random: () => 0 }),
  });
}

/** Lets the key's IndexedDB and WebCrypto promises settle (bounded by wall time: key generation is slow on a busy machine). */
async function settle(check: () => boolean): Promise<void> {
  const until = performance.now() + 5_000;
  while (!check() && performance.now() < until) await new Promise((r) => setImmediate(r));
  assert.ok(check(), "settled");
}

let dbCount = 0;
beforeEach(() => {
  f = fakeSockets();
  keys = new DeviceKeys(`linking-${++dbCount}`);
  redeemed = [];
  signedIn = [];
  redeemAnswer = () => Promise.resolve(result);
  mock.timers.enable({ apis: ["setTimeout"] });
});
afterEach(() => {
  mock.timers.reset();
  keys.close();
});

test("hello carries K's public key and the device; each LINK_CODE replaces the QR; scanned says nothing else", async () => {
  const desk = linking();
  void desk.start();
  await settle(() => f.sockets.length === 1);
  f.last().open();
  const key = await keys.get();
  assert.deepEqual(f.last().sent[0], { link: { publicKey: key.publicKey, device: { name: "Firefox on Windows", platform: "Windows" } } });
  f.last().deliver(code(1));
  assert.deepEqual(desk.snapshot.view, { kind: "showing", qr: code(1).qr, linkExpiresAt: 300_000 });
  assert.equal(desk.snapshot.socket, "ready");
  f.last().deliver(code(2));
  assert.equal(desk.snapshot.view.kind === "showing" && desk.snapshot.view.qr.code, "ABCD2342");
  f.last().deliver({ type: "LINK_SCANNED" });
  assert.deepEqual(desk.snapshot.view, { kind: "scanned" });
});

test("approved: redeems the ticket with K's signature over link:<linkId>.<ticket>, then signs in and closes the socket", async () => {
  const desk = linking();
  void desk.start();
  await settle(() => f.sockets.length === 1);
  f.last().open();
  f.last().deliver(code(1));
  f.last().deliver({ type: "LINK_SCANNED" });
  f.last().deliver({ type: "LINK_APPROVED", ticket: "tkt", ticketExpiresAt: 1 });
  await settle(() => signedIn.length === 1);
  assert.equal(redeemed.length, 1);
  const [body] = redeemed;
  assert.equal(body?.linkId, "link-1");
  assert.equal(body?.ticket, "tkt");
  const key = await keys.get();
  const publicKey = createPublicKey({ key: Buffer.from(key.publicKey, "base64url"), format: "der", type: "spki" });
  assert.ok(verify("sha256", Buffer.from("link:link-1.tkt"), { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(body?.signature ?? "", "base64url")));
  assert.equal(f.last().closed, true, "the link socket is done");
  assert.deepEqual(signedIn, [result]);
});

test("denied and expired are final: the socket closes and does not come back", async () => {
  for (const [event, kind] of [
    ["LINK_DENIED", "denied"],
    ["LINK_EXPIRED", "expired"],
  ] as const) {
    const desk = linking();
    void desk.start();
    await settle(() => f.sockets.length > 0 && !f.last().closed && f.last().sent.length === 0);
    f.last().open();
    f.last().deliver(code(1));
    const count = f.sockets.length;
    f.last().deliver({ type: event });
    assert.equal(desk.snapshot.view.kind, kind);
    f.last().drop();
    mock.timers.tick(60_000);
    assert.equal(f.sockets.length, count, "no reconnect");
  }
});

test("a failed redeem says why; a lost socket reconnects and shows the new code", async () => {
  redeemAnswer = () => Promise.reject(new ApiError("LINK_TICKET_INVALID", "x", 400));
  const desk = linking();
  void desk.start();
  await settle(() => f.sockets.length === 1);
  f.last().open();
  f.last().deliver(code(1));
  f.last().drop();
  assert.equal(desk.snapshot.socket, "retrying");
  mock.timers.tick(60_000);
  assert.equal(f.sockets.length, 2);
  f.last().open();
  f.last().deliver(code(3));
  assert.equal(desk.snapshot.view.kind === "showing" && desk.snapshot.view.qr.code, "ABCD2343");
  f.last().deliver({ type: "LINK_APPROVED", ticket: "tkt", ticketExpiresAt: 1 });
  await settle(() => desk.snapshot.view.kind === "failed");
  assert.deepEqual(signedIn, []);
});
