import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Scan } from "@easyqr/protocol";
import { startServer, type TestServer } from "./support/harness.ts";
import { createSession, pair, TestSocket } from "./support/client.ts";

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

let counter = 0;
function scanInput(text: string) {
  return { id: `scan-${++counter}`, text, format: "EAN13", scannedAt: Date.now() };
}

describe("scanner mode", () => {
  test("a scan is acknowledged with its seq and shown on the desktop at once", async () => {
    const { desktop, phone, phoneId } = await pair(server.url);
    const input = scanInput("4006381333931");
    phone.send({ type: "SCAN", scan: input });
    const ack = await phone.next("ACK");
    assert.deepEqual([ack.id, ack.seq, ack.error], [input.id, 1, undefined]);
    const shown = await desktop.next("SCAN");
    assert.deepEqual(shown.scan, { ...input, phoneId, seq: 1, receivedAt: shown.scan.receivedAt });
    phone.close();
    desktop.close();
  });

  test("a resent scan (lost ack) is acknowledged again with the same seq and not shown twice", async () => {
    const { desktop, phone } = await pair(server.url);
    const input = scanInput("dup");
    for (let i = 0; i < 3; i++) phone.send({ type: "SCAN", scan: input });
    const acks = [await phone.next("ACK"), await phone.next("ACK"), await phone.next("ACK")];
    assert.deepEqual(
      acks.map((a) => a.seq),
      [1, 1, 1],
    );
    await desktop.next("SCAN");
    phone.send({ type: "SCAN", scan: scanInput("marker") });
    assert.equal((await desktop.next("SCAN")).scan.text, "marker", "the duplicate produced no event before the next scan");
    phone.close();
    desktop.close();
  });

  test("while the desktop is away scans are kept; it gets them once when it comes back, and SCANS_SINCE pages from a seq", async () => {
    const { session, desktop, phone } = await pair(server.url);
    desktop.close();
    await phone.next("PEER_LEFT");
    const texts = Array.from({ length: 20 }, (_, i) => `offline-${i}`);
    for (const text of texts) phone.send({ type: "SCAN", scan: scanInput(text) });
    for (const _ of texts) await phone.next("ACK");

    const back = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    await back.next("CONNECTED");
    const backlog = await back.next("SCANS");
    assert.deepEqual(
      backlog.scans.map((s) => s.text),
      texts,
    );
    assert.deepEqual(
      backlog.scans.map((s) => s.seq),
      texts.map((_, i) => i + 1),
    );
    back.send({ type: "SCANS_SINCE", id: "q1", seq: 15 });
    const page = await back.next("SCANS");
    assert.deepEqual(
      page.scans.map((s) => s.seq),
      [16, 17, 18, 19, 20],
    );
    assert.equal((await back.next("ACK")).id, "q1");
    assert.equal((await phone.next("CONNECTED")).desktopOnline, true, "the phone sees the desktop back");
    phone.close();
    back.close();
  });

  test("a phone that drops resumes with its phone token and resends its outbox: nothing lost, nothing doubled", async () => {
    const { session, desktop, phone, phoneToken } = await pair(server.url);
    const sent = [scanInput("a"), scanInput("b"), scanInput("c")];
    for (const s of sent) phone.send({ type: "SCAN", scan: s });
    await phone.next("ACK");
    phone.ws.terminate(); // acks for b and c may be lost
    await desktop.next("PEER_LEFT");

    const resumed = await TestSocket.hello(server.url, { sessionId: session.sessionId, phoneToken });
    await resumed.next("CONNECTED");
    const outbox = [...sent, scanInput("d")];
    for (const s of outbox) resumed.send({ type: "SCAN", scan: s });
    for (const _ of outbox) assert.equal((await resumed.next("ACK")).error, undefined);

    const seen: Scan[] = [];
    while (seen.length < 4) seen.push((await desktop.next("SCAN")).scan);
    assert.deepEqual(
      seen.map((s) => s.text),
      ["a", "b", "c", "d"],
    );
    assert.deepEqual(
      seen.map((s) => s.seq),
      [1, 2, 3, 4],
    );
    resumed.close();
    desktop.close();
  });

  test("a bad scan is refused in its ACK and the socket stays usable", async () => {
    const { desktop, phone } = await pair(server.url);
    phone.send({ type: "SCAN", scan: { ...scanInput(""), id: "bad-1" } });
    const refused = await phone.next("ACK");
    assert.equal(refused.error?.code, "VALIDATION");
    phone.send({ type: "SCAN", scan: { ...scanInput("x"), format: "Nope", id: "bad-2" } });
    assert.equal((await phone.next("ACK")).error?.code, "VALIDATION");
    phone.send({ type: "SCAN", scan: scanInput("fine") });
    assert.equal((await phone.next("ACK")).error, undefined);
    assert.equal((await desktop.next("SCAN")).scan.text, "fine");
    phone.close();
    desktop.close();
  });

  test("only the phone sends scans, only the desktop reads history or closes", async () => {
    const { desktop, phone } = await pair(server.url);
    desktop.send({ type: "SCAN", scan: scanInput("from desktop") });
    assert.equal((await desktop.next("ACK")).error?.code, "FRAME_INVALID");
    phone.send({ type: "SCANS_SINCE", id: "p1", seq: 0 });
    assert.equal((await phone.next("ACK")).error?.code, "FRAME_INVALID");
    phone.send({ type: "CLOSE_SESSION", id: "p2" });
    assert.equal((await phone.next("ACK")).error?.code, "FRAME_INVALID");
    phone.close();
    desktop.close();
  });
});

describe("links between phone and desktop", () => {
  test("the desktop sees the phone leave and come back", async () => {
    const { session, desktop, phone, phoneToken } = await pair(server.url);
    phone.close();
    const left = await desktop.next("PEER_LEFT");
    assert.equal(left.role, "phone");
    assert.equal(left.phones[0]?.online, false);
    const back = await TestSocket.hello(server.url, { sessionId: session.sessionId, phoneToken });
    await back.next("CONNECTED");
    assert.equal((await desktop.next("CONNECTED")).phones[0]?.online, true);
    back.close();
    desktop.close();
  });

  test("a second phone is refused unless the desktop allows more; then it gets a fresh code", async () => {
    const { session, desktop, phone } = await pair(server.url);
    const connected = desktop.events.findLast((e) => e.type === "CONNECTED");
    assert.equal(connected?.type === "CONNECTED" && connected.qr, undefined, "no code shown once paired");

    desktop.send({ type: "SET_MULTI_PHONE", id: "m1", allow: true });
    const withQr = await desktop.next("CONNECTED");
    assert.ok(withQr.qr);
    assert.notEqual(withQr.qr.token, session.token);
    const second = await TestSocket.hello(server.url, { sessionId: session.sessionId, token: withQr.qr.token });
    await second.next("CONNECTED");
    const both = await desktop.next("CONNECTED");
    assert.equal(both.phones.length, 2);

    desktop.send({ type: "SET_MULTI_PHONE", id: "m2", allow: false });
    const closedDoor = await desktop.next("CONNECTED");
    assert.equal(closedDoor.qr, undefined);
    const fresh = desktop.events.filter((e) => e.type === "CONNECTED").at(-2);
    const third = await TestSocket.hello(server.url, { code: fresh?.type === "CONNECTED" ? (fresh.qr?.code ?? "") : "" });
    assert.notEqual(await third.outcome(), "CONNECTED");
    phone.close();
    second.close();
    desktop.close();
  });

  test("the desktop closes the session: phones are told and cannot resume", async () => {
    const { session, desktop, phone, phoneToken } = await pair(server.url);
    desktop.send({ type: "CLOSE_SESSION", id: "c1" });
    await phone.next("CLOSED");
    await desktop.next("CLOSED");
    const resume = await TestSocket.hello(server.url, { sessionId: session.sessionId, phoneToken });
    assert.equal(await resume.failure(), "PAIR_SESSION_CLOSED");
    phone.close();
    desktop.close();
  });

  test("a paired session with nobody online is closed after the idle time", async () => {
    const { session, desktop, phone, phoneToken } = await pair(server.url);
    phone.close();
    desktop.close();
    await desktop.waitClosed();
    await new Promise((r) => setTimeout(r, 50));
    server.clock.advance(10 * 60_000 + 1);
    await server.tick();
    const resume = await TestSocket.hello(server.url, { sessionId: session.sessionId, phoneToken });
    assert.equal(await resume.failure(), "PAIR_SESSION_CLOSED");
  });

  test("a created session nobody opened still expires", async () => {
    const session = await createSession(server.url);
    server.clock.advance(5 * 60_000 + 1);
    await server.tick();
    const phone = await TestSocket.hello(server.url, { code: session.qr.code });
    assert.notEqual(await phone.outcome(), "CONNECTED");
  });
});
