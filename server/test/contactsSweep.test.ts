import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { defaultContactLimits } from "../src/contacts/limits.ts";
import { hashContactToken } from "../src/contacts/tokens.ts";
import { codeOf, type SignedIn } from "./support/api.ts";
import { contactsOf, eventually, makeUsers, myQr, requestByQr, requestsOf, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

const minute = 60_000;
const limits = { qrIssuesPerUser: 1000, previewsPerUser: 1000, requestsPerUser: 1000, requestsPerPair: 1000, requestTtlMs: 10 * minute };
let server: TestServer;
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000 }, contactLimits: limits })));
after(() => server.close());

async function two(base: string): Promise<[SignedIn, SignedIn]> {
  const [a, b] = await makeUsers(server, 2, base);
  if (!a || !b) throw new Error("users");
  return [a, b];
}

const tokenRows = async (token: string) =>
  (await server.app.database.db.selectFrom("contactQrTokens").select("tokenHash").where("tokenHash", "=", hashContactToken(token)).execute()).length;

describe("sweeping", () => {
  test("by default unanswered requests last 30 days and QR tokens 2 minutes; an ended token reads as expired for a week", () => {
    assert.equal(defaultContactLimits.requestTtlMs, 30 * 24 * 60 * minute);
    assert.equal(defaultContactLimits.qrTtlMs, 2 * minute);
    assert.equal(defaultContactLimits.qrRetentionMs, 7 * 24 * 60 * minute);
  });

  test("a contact link opened minutes after it ended (after signing up, say) says expired, not invalid", async () => {
    const [a, b] = await two("latelink");
    const qr = await myQr(server, a);
    // Past the old 10-minute retention; within an access token's life.
    server.clock.advance(12 * minute);
    await server.app.contacts.sweep();
    assert.equal(codeOf(await contactsOf(server, b).preview(qr.token)), "CONTACT_QR_EXPIRED");
    assert.equal(codeOf(await contactsOf(server, b).request({ token: qr.token })), "CONTACT_QR_EXPIRED");
  });

  test("ended QR tokens are kept a while for a clear CONTACT_QR_EXPIRED, then swept", async () => {
    const [a, b] = await two("sweepqr");
    const qr = await myQr(server, a);
    server.clock.advance(defaultContactLimits.qrTtlMs);
    await server.app.contacts.sweep();
    assert.equal(codeOf(await contactsOf(server, b).request({ token: qr.token })), "CONTACT_QR_EXPIRED");
    assert.equal(await tokenRows(qr.token), 1);
    server.clock.advance(defaultContactLimits.qrRetentionMs);
    const swept = await server.app.contacts.sweep();
    assert.ok(swept.tokens >= 1);
    assert.equal(await tokenRows(qr.token), 0);
    // A week on, b's sign-in has to be a fresh one.
    const [late] = await makeUsers(server, 1, "sweepqrlate");
    if (!late) throw new Error("user");
    assert.equal(codeOf(await contactsOf(server, late).request({ token: qr.token })), "CONTACT_QR_INVALID");
  });

  test("a request nobody answers expires: it leaves both lists, both sides are told when it is swept, it can be made again", async () => {
    const [a, b] = await two("sweepreq");
    const id = await requestByQr(server, b, a);
    const [socketA, socketB] = await Promise.all([userSocket(server, a), userSocket(server, b)]);
    server.clock.advance(limits.requestTtlMs - 1);
    assert.equal((await server.app.contacts.sweep()).requests, 0, "not yet");
    assert.equal((await requestsOf(server, a)).incoming.length, 1);
    server.clock.advance(1);
    assert.deepEqual(await requestsOf(server, a), { incoming: [], outgoing: [] }, "gone from the lists before the sweep");
    assert.equal(codeOf(await contactsOf(server, a).accept(id)), "CONTACT_REQUEST_NOT_FOUND", "and cannot be accepted");
    assert.equal((await server.app.contacts.sweep()).requests, 1);
    for (const socket of [socketA, socketB]) {
      const removed = await socket.next("CONTACT_REQUEST_REMOVED");
      assert.deepEqual([removed.requestId, removed.reason], [id, "expired"]);
    }
    assert.equal((await server.app.database.db.selectFrom("contactRequests").select("id").where("id", "=", id).execute()).length, 0);
    assert.equal((await contactsOf(server, b).request({ username: a.user.username ?? "" })).status, 200);
    socketA.close();
    socketB.close();
  });

  test("an expired request the sweeper has not reached yet does not block a new one", async () => {
    const [a, b] = await two("unswept");
    await requestByQr(server, b, a);
    server.clock.advance(limits.requestTtlMs);
    const again = await contactsOf(server, b).request({ username: a.user.username ?? "" });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal((await requestsOf(server, a)).incoming.length, 1);
  });

  test("the server runs the sweep on its own timer, by its clock", async () => {
    const timed = await startServer({ authLimits: { sendsPerIp: 10_000 }, contactLimits: { ...limits, sweepEveryMs: 20 }, tickMs: 1_000 });
    try {
      const [a, b] = await makeUsers(timed, 2, "timer");
      if (!a || !b) throw new Error("users");
      const id = await requestByQr(timed, b, a);
      timed.clock.advance(limits.requestTtlMs);
      const rows = async () => (await timed.app.database.db.selectFrom("contactRequests").select("id").where("id", "=", id).execute()).length;
      await eventually(async () => (await rows()) === 0, "the periodic sweep");
    } finally {
      await timed.close();
    }
  });
});
