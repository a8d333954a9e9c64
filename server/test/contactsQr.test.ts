import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { Connection, ContactRequests, parseContactQr, QrPreview, SendContactRequestResponse } from "@easyqr/protocol";
import { call, codeOf } from "./support/api.ts";
import { connectionsOf, contactsOf, makeUsers, myQr, ok, requestsOf, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

const limits = { ...roomyContactLimits, qrMaxUses: 3 };
let server: TestServer;
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000 }, contactLimits: limits })));
after(() => server.close());

describe("add by QR", () => {
  test("A shows My QR, B scans it and sees who it is, sends a request, A accepts live: one connection for both", async () => {
    const [a, b] = await makeUsers(server, 2, "qrflow");
    if (!a || !b) throw new Error("users");
    const [socketA, socketB] = await Promise.all([userSocket(server, a), userSocket(server, b)]);

    const qr = await myQr(server, a);
    assert.deepEqual(parseContactQr(qr.url), { token: qr.token, server: server.url }, "the URL is PUBLIC_URL/add#t=<token>");
    assert.ok(qr.rotatesAt < qr.expiresAt);

    assert.equal((await call(server, "PATCH", "/api/users/me", { token: a.tokens.accessToken, body: { bio: "Only for connections" } })).status, 200);
    const preview = ok(await contactsOf(server, b).preview(qr.token), QrPreview);
    assert.deepEqual(preview.user, { id: a.user.id, name: a.user.name, username: a.user.username, bio: null, avatar: null });
    assert.deepEqual(Object.keys(preview.user as object).sort(), ["avatar", "bio", "id", "name", "username"], "no email or phone");
    assert.ok(!JSON.stringify(preview).includes("Only for connections"), "no bio: they are not connected");
    assert.equal(preview.relation, "none");
    assert.deepEqual(await requestsOf(server, a), { incoming: [], outgoing: [] }, "a preview sends nothing");

    const sent = ok(await contactsOf(server, b).request({ token: qr.token }), SendContactRequestResponse);
    assert.equal(sent.outcome, "requested");
    if (sent.outcome !== "requested") return;
    assert.equal(sent.request.direction, "outgoing");
    assert.equal(sent.request.user.id, a.user.id);

    const received = await socketA.next("CONTACT_REQUEST_ADDED");
    assert.equal(received.request.id, sent.request.id);
    assert.equal(received.request.direction, "incoming");
    assert.equal(received.request.user.id, b.user.id);
    assert.equal((await socketB.next("CONTACT_REQUEST_ADDED")).request.direction, "outgoing", "the sender's other devices learn it too");
    const pending = await requestsOf(server, a);
    assert.deepEqual(
      pending.incoming.map((r) => r.id),
      [sent.request.id],
    );
    assert.deepEqual(
      (await requestsOf(server, b)).outgoing.map((r) => r.id),
      [sent.request.id],
    );
    assert.equal(ok(await contactsOf(server, b).preview(qr.token), QrPreview).relation, "outgoing");

    const connection = ok(await contactsOf(server, a).accept(sent.request.id), Connection);
    assert.equal(connection.user.id, b.user.id);
    for (const socket of [socketA, socketB]) {
      const removed = await socket.next("CONTACT_REQUEST_REMOVED");
      assert.deepEqual([removed.requestId, removed.reason], [sent.request.id, "accepted"]);
    }
    assert.equal((await socketA.next("CONNECTION_ADDED")).connection.user.id, b.user.id);
    assert.equal((await socketB.next("CONNECTION_ADDED")).connection.user.id, a.user.id);
    assert.deepEqual(
      (await connectionsOf(server, a)).map((c) => c.user.id),
      [b.user.id],
    );
    assert.deepEqual(
      (await connectionsOf(server, b)).map((c) => c.user.id),
      [a.user.id],
    );
    assert.deepEqual(await requestsOf(server, a), ContactRequests.parse({ incoming: [], outgoing: [] }));

    assert.equal(ok(await contactsOf(server, b).preview(qr.token), QrPreview).relation, "connected");
    const again = await contactsOf(server, b).request({ token: qr.token });
    assert.equal(again.status, 409);
    assert.equal(codeOf(again), "CONTACT_ALREADY_CONNECTED");
    socketA.close();
    socketB.close();
  });

  test("scanning your own QR is CONTACT_SELF, for the preview and the request", async () => {
    const [a] = await makeUsers(server, 1, "self");
    if (!a) throw new Error("users");
    const qr = await myQr(server, a);
    assert.equal(codeOf(await contactsOf(server, a).preview(qr.token)), "CONTACT_SELF");
    const reply = await contactsOf(server, a).request({ token: qr.token });
    assert.equal(reply.status, 400);
    assert.equal(codeOf(reply), "CONTACT_SELF");
    assert.equal(codeOf(await contactsOf(server, a).request({ username: a.user.username ?? "" })), "CONTACT_SELF");
  });

  test("a token expires after two minutes: CONTACT_QR_EXPIRED (410)", async () => {
    const [a, b] = await makeUsers(server, 2, "expiry");
    if (!a || !b) throw new Error("users");
    const qr = await myQr(server, a);
    server.clock.advance(qr.expiresAt - server.clock.now() - 1);
    assert.equal(ok(await contactsOf(server, b).preview(qr.token), QrPreview).user.id, a.user.id, "still fine a moment before");
    server.clock.advance(1);
    for (const reply of [await contactsOf(server, b).preview(qr.token), await contactsOf(server, b).request({ token: qr.token })]) {
      assert.equal(reply.status, 410);
      assert.equal(codeOf(reply), "CONTACT_QR_EXPIRED");
    }
  });

  test("asking for a new QR rotates: the old token works a short grace, then CONTACT_QR_ROTATED; the new one works", async () => {
    const [a, b, c] = await makeUsers(server, 3, "rotate");
    if (!a || !b || !c) throw new Error("users");
    const first = await myQr(server, a);
    server.clock.advance(first.rotatesAt - server.clock.now());
    const second = await myQr(server, a);
    assert.notEqual(second.token, first.token);
    const preview = ok(await contactsOf(server, b).preview(first.token), QrPreview);
    assert.equal(preview.expiresAt, server.clock.now() + 30_000, "a replaced token says when its grace ends");
    assert.equal(
      ok(await contactsOf(server, b).request({ token: first.token }), SendContactRequestResponse).outcome,
      "requested",
      "a scan caught mid-rotation still works",
    );
    server.clock.advance(30_000);
    const late = await contactsOf(server, c).request({ token: first.token });
    assert.equal(late.status, 410);
    assert.equal(codeOf(late), "CONTACT_QR_ROTATED");
    assert.equal(codeOf(await contactsOf(server, c).preview(first.token)), "CONTACT_QR_ROTATED");
    assert.equal(ok(await contactsOf(server, c).request({ token: second.token }), SendContactRequestResponse).outcome, "requested");
  });

  test("a token carries a bounded number of requests: of parallel scans exactly maxUses go through, the rest get CONTACT_QR_USED_UP", async () => {
    const [owner, ...scanners] = await makeUsers(server, 7, "uses");
    if (!owner) throw new Error("users");
    const qr = await myQr(server, owner);
    assert.equal(qr.maxUses, 3);
    const replies = await Promise.all(scanners.map((s) => contactsOf(server, s).request({ token: qr.token })));
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, 200, 200, 410, 410, 410]);
    for (const reply of replies.filter((r) => r.status === 410)) assert.equal(codeOf(reply), "CONTACT_QR_USED_UP");
    assert.equal((await requestsOf(server, owner)).incoming.length, 3);
  });

  test("a refused request does not spend a use of the token", async () => {
    const [owner, b, c, d] = await makeUsers(server, 4, "spend");
    if (!owner || !b || !c || !d) throw new Error("users");
    const qr = await myQr(server, owner);
    assert.equal((await contactsOf(server, b).request({ token: qr.token })).status, 200);
    for (let i = 0; i < 3; i++) assert.equal(codeOf(await contactsOf(server, b).request({ token: qr.token })), "CONTACT_REQUEST_PENDING");
    assert.equal((await contactsOf(server, c).request({ token: qr.token })).status, 200);
    assert.equal((await contactsOf(server, d).request({ token: qr.token })).status, 200, "the third use is still there");
  });

  test("unknown and malformed tokens, and no sign-in, are refused clearly", async () => {
    const [b] = await makeUsers(server, 1, "unknown");
    if (!b) throw new Error("users");
    const unknown = randomBytes(16).toString("base64url");
    for (const reply of [await contactsOf(server, b).preview(unknown), await contactsOf(server, b).request({ token: unknown })]) {
      assert.equal(reply.status, 400);
      assert.equal(codeOf(reply), "CONTACT_QR_INVALID");
    }
    for (const body of [{ token: "short" }, { token: "has spaces in it!!!!" }, {}, { token: unknown, extra: 1 }, { token: unknown, username: "abc" }]) {
      const reply = await call(server, "POST", "/api/contacts/requests", { token: b.tokens.accessToken, body });
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(codeOf(reply), "VALIDATION");
    }
    assert.equal(codeOf(await call(server, "POST", "/api/contacts/qr")), "AUTH_REQUIRED");
    assert.equal(codeOf(await call(server, "POST", "/api/contacts/qr/preview", { body: { token: unknown } })), "AUTH_REQUIRED");
  });

  test("hiding My QR ends its tokens at once", async () => {
    const [a, b] = await makeUsers(server, 2, "hide");
    if (!a || !b) throw new Error("users");
    const qr = await myQr(server, a);
    assert.equal((await contactsOf(server, a).hideQr()).status, 204);
    assert.equal(codeOf(await contactsOf(server, b).request({ token: qr.token })), "CONTACT_QR_EXPIRED");
  });
});
