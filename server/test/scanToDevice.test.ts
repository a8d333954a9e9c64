import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DeviceList, type ServerEventOf } from "@easyqr/protocol";
import { call, signIn, type SignedIn } from "./support/api.ts";
import { createSession, TestSocket } from "./support/client.ts";
import { userSocket } from "./support/contacts.ts";
import { signInDevice } from "./support/devices.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { linkDesktop } from "./support/linking.ts";

let server: TestServer;
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000 }, scanRelayLimits: { confirmMs: 1_500, maxPending: 3 } })));
after(() => server.close());

const scan = (text = "4006381333931") => ({ id: randomUUID(), text, format: "EAN13", scannedAt: 1_700_000_000_000 });

function scanTo(socket: TestSocket, deviceId: string, body = scan()) {
  socket.send({ type: "SCAN_TO_DEVICE", deviceId, scan: body });
  return body;
}

function ackOf(socket: TestSocket, id: string): Promise<ServerEventOf<"ACK">> {
  return socket.next("ACK", 3000, (a) => a.id === id);
}

/** A phone with a linked desktop, a socket each. */
async function phoneAndDesktop() {
  const phone = await signIn(server);
  const desktop = await linkDesktop(server, phone);
  desktop.socket.close();
  const phoneSocket = await userSocket(server, phone);
  const desktopSocket = await userSocket(server, { ...phone, tokens: desktop.tokens });
  return { phone, desktop, phoneSocket, desktopSocket, deviceId: desktop.tokens.sessionId };
}

async function devicesOf(who: SignedIn) {
  const reply = await call(server, "GET", "/api/devices", { token: who.tokens.accessToken });
  return DeviceList.parse(reply.body).devices;
}

describe("scan to desktop", () => {
  test("a scan reaches the person's linked desktop; the phone's ACK comes only after the desktop confirms; a resend is the same id", async () => {
    const { phone, phoneSocket, desktopSocket, deviceId } = await phoneAndDesktop();
    assert.equal((await devicesOf(phone)).find((d) => d.id === deviceId)?.online, true, "the desktop shows online");
    const sent = scanTo(phoneSocket, deviceId);
    const received = await desktopSocket.next("DEVICE_SCAN");
    assert.equal(received.scan.id, sent.id);
    assert.equal(received.scan.text, sent.text);
    assert.equal(received.scan.fromDeviceId, phone.tokens.sessionId);
    // Not answered before the desktop says it has it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(phoneSocket.count("ACK"), 0);
    desktopSocket.send({ type: "DEVICE_SCAN_RECEIVED", id: randomUUID(), scanId: sent.id });
    const ack = await ackOf(phoneSocket, sent.id);
    assert.equal(ack.error, undefined);
    // The same scan again (its answer was lost): relayed again under the same id, for the desktop to keep once.
    scanTo(phoneSocket, deviceId, sent);
    assert.equal((await desktopSocket.next("DEVICE_SCAN")).scan.id, sent.id);
    desktopSocket.send({ type: "DEVICE_SCAN_RECEIVED", scanId: sent.id });
    assert.equal((await ackOf(phoneSocket, sent.id)).error, undefined);
    phoneSocket.close();
    desktopSocket.close();
  });

  test("a desktop without a socket, or one that does not confirm in time: DEVICE_OFFLINE", async () => {
    const { phone, phoneSocket, desktopSocket, deviceId } = await phoneAndDesktop();
    const silent = scanTo(phoneSocket, deviceId);
    await desktopSocket.next("DEVICE_SCAN");
    assert.equal((await ackOf(phoneSocket, silent.id)).error?.code, "DEVICE_OFFLINE");
    desktopSocket.close();
    await desktopSocket.waitClosed();
    for (let i = 0; (await devicesOf(phone)).find((d) => d.id === deviceId)?.online && i < 50; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await devicesOf(phone)).find((d) => d.id === deviceId)?.online, false);
    const away = scanTo(phoneSocket, deviceId);
    assert.equal((await ackOf(phoneSocket, away.id)).error?.code, "DEVICE_OFFLINE");
    phoneSocket.close();
  });

  test("only to one's own live linked devices: another account's, a revoked one, a phone, oneself, an unknown id", async () => {
    const { phone, phoneSocket, desktopSocket, deviceId } = await phoneAndDesktop();
    const stranger = await signIn(server);
    const strangerSocket = await userSocket(server, stranger);
    const theirs = scanTo(strangerSocket, deviceId);
    assert.equal((await ackOf(strangerSocket, theirs.id)).error?.code, "DEVICE_NOT_FOUND");

    const otherPhone = await signInDevice(server, phone, { name: "Second phone", platform: "Android" });
    const otherPhoneSocket = await userSocket(server, otherPhone);
    const toPhone = scanTo(phoneSocket, otherPhone.tokens.sessionId);
    assert.equal((await ackOf(phoneSocket, toPhone.id)).error?.code, "SCAN_TARGET_INVALID");
    const toSelf = scanTo(phoneSocket, phone.tokens.sessionId);
    assert.equal((await ackOf(phoneSocket, toSelf.id)).error?.code, "SCAN_TARGET_INVALID");
    const unknown = scanTo(phoneSocket, randomUUID());
    assert.equal((await ackOf(phoneSocket, unknown.id)).error?.code, "DEVICE_NOT_FOUND");

    const revoked = await call(server, "DELETE", `/api/devices/${deviceId}`, { token: phone.tokens.accessToken });
    assert.equal(revoked.status, 200);
    const afterRevoke = scanTo(phoneSocket, deviceId);
    assert.equal((await ackOf(phoneSocket, afterRevoke.id)).error?.code, "DEVICE_NOT_FOUND");
    // Nothing reached the desktop nor the other phone.
    assert.equal(desktopSocket.count("DEVICE_SCAN"), 0);
    assert.equal(otherPhoneSocket.count("DEVICE_SCAN"), 0);
    for (const socket of [phoneSocket, desktopSocket, strangerSocket, otherPhoneSocket]) socket.close();
  });

  test("a confirmation from another device settles nothing; frames are bounded; pending scans are capped", async () => {
    const { phoneSocket, desktopSocket, deviceId } = await phoneAndDesktop();
    const sent = scanTo(phoneSocket, deviceId);
    await desktopSocket.next("DEVICE_SCAN");
    // The phone (or anyone else) confirming the desktop's scan does not make it delivered.
    phoneSocket.send({ type: "DEVICE_SCAN_RECEIVED", scanId: sent.id });
    assert.equal((await ackOf(phoneSocket, sent.id)).error?.code, "DEVICE_OFFLINE");

    const long = { ...scan(), text: "x".repeat(4097) };
    phoneSocket.send({ type: "SCAN_TO_DEVICE", deviceId, scan: long });
    assert.equal((await ackOf(phoneSocket, long.id)).error?.code, "VALIDATION");
    const notUuid = scan();
    phoneSocket.send({ type: "SCAN_TO_DEVICE", deviceId: "desktop", scan: notUuid });
    assert.equal((await ackOf(phoneSocket, notUuid.id)).error?.code, "VALIDATION");

    const burst = [scan("1"), scan("2"), scan("3"), scan("4")].map((s) => scanTo(phoneSocket, deviceId, s));
    assert.equal((await ackOf(phoneSocket, burst[3]!.id)).error?.code, "RATE_LIMITED");
    for (const s of burst.slice(0, 3)) {
      // The desktop confirms what it received, as the web client does.
      await desktopSocket.next("DEVICE_SCAN", 3000, (event) => event.scan.id === s.id);
      desktopSocket.send({ type: "DEVICE_SCAN_RECEIVED", scanId: s.id });
    }
    for (const s of burst.slice(0, 3)) assert.equal((await ackOf(phoneSocket, s.id)).error, undefined);
    phoneSocket.close();
    desktopSocket.close();
  });

  test("a pairing socket cannot use it", async () => {
    const { phoneSocket, desktopSocket, deviceId } = await phoneAndDesktop();
    const session = await createSession(server.url);
    const pairing = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    await pairing.next("WAITING");
    const sent = scan();
    pairing.send({ type: "SCAN_TO_DEVICE", deviceId, scan: sent });
    assert.equal((await ackOf(pairing, sent.id)).error?.code, "FRAME_INVALID");
    assert.equal(desktopSocket.count("DEVICE_SCAN"), 0);
    for (const socket of [phoneSocket, desktopSocket, pairing]) socket.close();
  });
});
