import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { LinkClaim, linkSignedData, VerifyCodeResponse } from "@easyqr/protocol";
import { call, codeOf, makeUser, signIn } from "./support/api.ts";
import { uploadTo } from "./support/attachments.ts";
import { TestSocket } from "./support/client.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { approve, claim, claimed, deny, desktopDevice, desktopKey, linkDesktop, openLink, redeem, refreshedTokens, refreshSigned } from "./support/linking.ts";

// Every attack case of LINKING.md ("Attack cases"), numbered as there, on the engine DATABASE_URL picks.
let server: TestServer;
before(
  async () =>
    (server = await startServer({
      linkLimits: { maxLinkedDevices: 2, claimsPerAccountPerMinute: 1000, wrongClaimsPerIpPerMinute: 20, maxPendingPerIp: 5 },
      authLimits: { sendsPerIp: 10_000 },
    })),
);
after(() => server.close());

const randomRef = () => randomBytes(16).toString("base64url");

async function userSocket(accessToken: string): Promise<TestSocket> {
  const socket = await TestSocket.hello(server.url, { accessToken });
  await socket.next("AUTHENTICATED");
  return socket;
}

describe("the flow", () => {
  test("desktop QR → claim → approve → redeem: a linked device session of the phone's account; every device is told", async () => {
    const phone = await makeUser(server, "linker1", "Lin Ker");
    const phoneSocket = await userSocket(phone.tokens.accessToken);
    const link = await openLink(server);
    assert.equal(link.fingerprint, link.key.fingerprint, "the QR carries the key's fingerprint");
    assert.ok(link.code.qr.url.startsWith(`${server.url}/link#`));
    assert.match(link.code.qr.code, /^[0-9A-HJKMNP-TV-Z]{8}$/);
    assert.equal(link.code.linkExpiresAt, server.clock.now() + 5 * 60_000);

    const asked = await claimed(server, phone, { ref: link.ref });
    assert.deepEqual(asked.device, desktopDevice);
    assert.equal(asked.fingerprint, link.fingerprint);
    assert.equal(asked.ip, "127.0.0.1");
    assert.equal(asked.sameNetwork, true);
    await link.socket.next("LINK_SCANNED");

    assert.equal((await approve(server, phone, link.linkId)).status, 200);
    const ticket = await link.socket.next("LINK_APPROVED");
    assert.equal(ticket.ticket.length, 43);
    const reply = await redeem(server, link.linkId, ticket, link.key);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const redeemed = VerifyCodeResponse.parse(reply.body);
    assert.equal(redeemed.user.id, phone.user.id);
    assert.equal(redeemed.isNewUser, false);
    await link.socket.waitClosed();

    const linked = await phoneSocket.next("DEVICE_LINKED");
    assert.equal(linked.device.id, redeemed.tokens.sessionId);
    assert.equal(linked.device.kind, "linked");
    assert.equal(linked.device.name, desktopDevice.name);
    assert.equal(linked.device.current, false);

    // The desktop is a full client: its socket signs in, its HTTP calls work.
    const desktopSocket = await userSocket(redeemed.tokens.accessToken);
    const me = await call(server, "GET", "/api/users/me", { token: redeemed.tokens.accessToken });
    assert.equal((me.body as { username: string }).username, "linker1");
    desktopSocket.close();
    phoneSocket.close();
  });

  test("a typed code claims like the QR, in any case and with a dash", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    const code = link.code.qr.code.toLowerCase();
    const asked = await claimed(server, phone, { code: `${code.slice(0, 4)}-${code.slice(4)}` });
    assert.equal(asked.linkId, link.linkId);
    link.socket.close();
  });
});

describe("1. replay", () => {
  test("a second claim, by anyone, is LINK_ALREADY_USED", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    assert.equal(codeOf(await claim(server, phone, { ref: link.ref })), "LINK_ALREADY_USED");
    assert.equal(codeOf(await claim(server, phone, { code: link.code.qr.code })), "LINK_ALREADY_USED");
    link.socket.close();
  });

  test("of 100 parallel claims exactly one succeeds", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    const replies = await Promise.all(Array.from({ length: 100 }, () => claim(server, phone, { ref: link.ref })));
    assert.equal(replies.filter((r) => r.status === 200).length, 1);
    assert.equal(replies.filter((r) => codeOf(r) === "LINK_ALREADY_USED").length, 99);
    assert.equal(link.socket.count("LINK_SCANNED"), 1);
    link.socket.close();
  });

  test("a ticket redeems once: of 10 parallel redeems one wins, the rest get LINK_TICKET_INVALID", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    await approve(server, phone, link.linkId);
    const ticket = await link.socket.next("LINK_APPROVED");
    const replies = await Promise.all(Array.from({ length: 10 }, () => redeem(server, link.linkId, ticket, link.key)));
    assert.equal(replies.filter((r) => r.status === 200).length, 1);
    assert.equal(replies.filter((r) => codeOf(r) === "LINK_TICKET_INVALID").length, 9);
    assert.equal(codeOf(await redeem(server, link.linkId, ticket, link.key)), "LINK_TICKET_INVALID");
    await revokeLinked(phone.tokens.accessToken);
  });
});

describe("2. expiry (fake clock)", () => {
  test("the ref rotates every 30 s; the previous one works for one grace period, then not", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    assert.equal(link.code.qr.rotatesAt, server.clock.now() + 30_000);
    server.clock.advance(30_000);
    await server.tick();
    const second = await link.socket.next("LINK_CODE");
    assert.notEqual(second.qr.url, link.code.qr.url);
    assert.notEqual(second.qr.code, link.code.qr.code);
    assert.equal(second.linkId, link.linkId);
    server.clock.advance(30_000);
    await server.tick();
    await link.socket.next("LINK_CODE");
    // The first ref was replaced 30 s ago and its grace period is over; the second is in its grace period.
    assert.equal(codeOf(await claim(server, phone, { ref: link.ref })), "LINK_NOT_FOUND");
    assert.equal(codeOf(await claim(server, phone, { code: link.code.qr.code })), "LINK_NOT_FOUND");
    const asked = await claimed(server, phone, { code: second.qr.code });
    assert.equal(asked.linkId, link.linkId);
    link.socket.close();
  });

  test("rotation stops after 5 minutes: LINK_EXPIRED, the socket closes, the last ref is not found", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    let last = link.code;
    for (let t = 30_000; t < 5 * 60_000; t += 30_000) {
      server.clock.advance(30_000);
      await server.tick();
      last = await link.socket.next("LINK_CODE");
      assert.ok(last.qr.expiresAt <= link.code.linkExpiresAt, "no ref outlives the link");
    }
    server.clock.advance(30_000);
    await server.tick();
    await link.socket.next("LINK_EXPIRED");
    await link.socket.waitClosed();
    assert.equal(link.socket.count("LINK_CODE"), 10, "one code, then one per 30 s for 5 minutes");
    const ref = new URL(last.qr.url).hash.slice(1).split(".")[0]!;
    assert.equal(codeOf(await claim(server, phone, { ref })), "LINK_NOT_FOUND");
  });

  test("an expired ticket is LINK_TICKET_INVALID, and the desktop is told the link expired", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    await approve(server, phone, link.linkId);
    const ticket = await link.socket.next("LINK_APPROVED");
    assert.equal(ticket.ticketExpiresAt, server.clock.now() + 30_000);
    server.clock.advance(30_001);
    assert.equal(codeOf(await redeem(server, link.linkId, ticket, link.key)), "LINK_TICKET_INVALID");
    await server.tick();
    await link.socket.next("LINK_EXPIRED");
    await link.socket.waitClosed();
  });

  test("a claim nobody approves expires after 5 minutes: the desktop and the phone are told", async () => {
    const phone = await signIn(server);
    const phoneSocket = await userSocket(phone.tokens.accessToken);
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    server.clock.advance(5 * 60_000);
    await server.tick();
    await link.socket.next("LINK_EXPIRED");
    assert.equal((await phoneSocket.next("LINK_ABORTED")).linkId, link.linkId);
    assert.equal(codeOf(await approve(server, phone, link.linkId)), "LINK_NOT_FOUND");
    phoneSocket.close();
  });
});

describe("3. stolen values without the key", () => {
  test("a ticket signed by another key is LINK_SIGNATURE_INVALID and stays usable for the real desktop", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    await approve(server, phone, link.linkId);
    const ticket = await link.socket.next("LINK_APPROVED");
    const thief = await desktopKey();
    assert.equal(codeOf(await redeem(server, link.linkId, ticket, thief)), "LINK_SIGNATURE_INVALID");
    const garbage = await call(server, "POST", "/api/link/redeem", { body: { linkId: link.linkId, ticket: ticket.ticket, signature: "A".repeat(86) } });
    assert.equal(codeOf(garbage), "LINK_SIGNATURE_INVALID");
    // The right signature over another link id is not this link's.
    const wrongData = await link.key.sign(linkSignedData(randomRef(), ticket.ticket));
    assert.equal(
      codeOf(await call(server, "POST", "/api/link/redeem", { body: { linkId: link.linkId, ticket: ticket.ticket, signature: wrongData } })),
      "LINK_SIGNATURE_INVALID",
    );
    assert.equal((await redeem(server, link.linkId, ticket, link.key)).status, 200);
    await revokeLinked(phone.tokens.accessToken);
  });

  test("the link id and fingerprint alone redeem nothing", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    await approve(server, phone, link.linkId);
    const forged = { type: "LINK_APPROVED" as const, ticket: randomBytes(32).toString("base64url"), ticketExpiresAt: 0 };
    assert.equal(codeOf(await redeem(server, link.linkId, forged, link.key)), "LINK_TICKET_INVALID");
    link.socket.close();
  });

  test("a linked device's refresh token alone refreshes nothing, and is not spent by trying", async () => {
    const phone = await signIn(server);
    const desktop = await linkDesktop(server, phone);
    const { refreshToken } = desktop.tokens;
    const bare = await call(server, "POST", "/api/auth/refresh", { body: { refreshToken } });
    assert.equal(codeOf(bare), "AUTH_PROOF_INVALID");
    assert.equal(bare.status, 401);
    const thief = await desktopKey();
    assert.equal(codeOf(await refreshSigned(server, desktop.tokens, thief)), "AUTH_PROOF_INVALID");
    const stale = await refreshSigned(server, desktop.tokens, desktop.key, server.clock.now() - 6 * 60_000);
    assert.equal(codeOf(stale), "AUTH_PROOF_INVALID", "a stale proof");
    assert.deepEqual(
      (stale.body as { error: { data?: unknown } }).error.data,
      { serverTime: server.clock.now() },
      "the refusal says the server's time, to sign once more on it",
    );
    const otherToken = await desktop.key.sign(`refresh:x.${server.clock.now()}`);
    const mismatched = await call(server, "POST", "/api/auth/refresh", { body: { refreshToken, proof: { at: server.clock.now(), signature: otherToken } } });
    assert.equal(codeOf(mismatched), "AUTH_PROOF_INVALID", "a proof for another token");

    const fresh = refreshedTokens(await refreshSigned(server, desktop.tokens, desktop.key));
    assert.equal(fresh.sessionId, desktop.tokens.sessionId);
    refreshedTokens(await refreshSigned(server, fresh, desktop.key));
    // The phone's own (primary) session refreshes without a proof, as before.
    refreshedTokens(await call(server, "POST", "/api/auth/refresh", { body: { refreshToken: phone.tokens.refreshToken } }));
    await revokeLinked(phone.tokens.accessToken);
  });
});

describe("4. key substitution", () => {
  test("the claim's fingerprint is the one in the QR, which is SHA-256 of the key the desktop holds", async () => {
    const phone = await signIn(server);
    const a = await openLink(server);
    const b = await openLink(server);
    assert.notEqual(a.fingerprint, b.fingerprint);
    const asked = await claimed(server, phone, { ref: a.ref });
    assert.equal(asked.fingerprint, a.fingerprint, "what the phone compares with the scanned fp");
    assert.notEqual(asked.fingerprint, b.fingerprint);
    a.socket.close();
    b.socket.close();
  });
});

describe("5. guessing", () => {
  test("random refs and codes get the same LINK_NOT_FOUND, then RATE_LIMITED for that address only", async () => {
    const phone = await signIn(server);
    const from = "127.0.0.7";
    const answers = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const reply = await claim(server, phone, i % 2 ? { ref: randomRef() } : { code: "ZZZZ-ZZZZ" }, from);
      assert.equal(reply.status, 404);
      answers.add(JSON.stringify(reply.body));
    }
    assert.equal(answers.size, 1, "one answer for every miss");
    const limited = await claim(server, phone, { ref: randomRef() }, from);
    assert.equal(codeOf(limited), "RATE_LIMITED");
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    // A right ref from that address is refused too while it waits; other addresses are not affected.
    const link = await openLink(server);
    assert.equal(codeOf(await claim(server, phone, { ref: link.ref }, from)), "RATE_LIMITED");
    assert.equal((await claim(server, phone, { ref: link.ref }, "127.0.0.8")).status, 200);
    link.socket.close();
  });
});

describe("6. wrong phone", () => {
  test("no token, a garbage token or a logged-out session cannot claim, approve or deny", async () => {
    const link = await openLink(server);
    assert.equal(codeOf(await call(server, "POST", "/api/link/claim", { body: { ref: link.ref } })), "AUTH_REQUIRED");
    assert.equal(codeOf(await call(server, "POST", "/api/link/claim", { body: { ref: link.ref }, token: "x.y.z" })), "AUTH_TOKEN_INVALID");
    const gone = await signIn(server);
    await call(server, "POST", "/api/auth/logout", { token: gone.tokens.accessToken, body: {} });
    assert.equal(codeOf(await claim(server, gone, { ref: link.ref })), "AUTH_SESSION_REVOKED");
    assert.equal(codeOf(await call(server, "POST", `/api/link/${link.linkId}/approve`)), "AUTH_REQUIRED");
    assert.equal(link.socket.count("LINK_SCANNED"), 0);
    link.socket.close();
  });

  test("another account's claim is not approvable or deniable by this one", async () => {
    const owner = await signIn(server);
    const other = await signIn(server);
    const link = await openLink(server);
    await claimed(server, owner, { ref: link.ref });
    assert.equal(codeOf(await approve(server, other, link.linkId)), "LINK_NOT_FOUND");
    assert.equal(codeOf(await deny(server, other, link.linkId)), "LINK_NOT_FOUND");
    assert.equal(codeOf(await approve(server, other, randomRef())), "LINK_NOT_FOUND");
    assert.equal(link.socket.count("LINK_APPROVED") + link.socket.count("LINK_DENIED"), 0);
    assert.equal((await approve(server, owner, link.linkId)).status, 200);
    await link.socket.next("LINK_APPROVED");
    link.socket.close();
  });

  test("deny is final: the desktop hears LINK_DENIED, its socket closes, the code is used", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    assert.equal((await deny(server, phone, link.linkId)).status, 200);
    await link.socket.next("LINK_DENIED");
    await link.socket.waitClosed();
    assert.equal(codeOf(await approve(server, phone, link.linkId)), "LINK_NOT_FOUND");
    assert.equal(codeOf(await claim(server, phone, { ref: link.ref })), "LINK_ALREADY_USED");
  });
});

describe("7. device limit", () => {
  test("at the limit a claim fails with DEVICE_LIMIT naming the devices, and nothing is created", async () => {
    const phone = await signIn(server);
    await linkDesktop(server, phone);
    await linkDesktop(server, phone);
    const link = await openLink(server);
    const refused = await claim(server, phone, { ref: link.ref });
    assert.equal(codeOf(refused), "DEVICE_LIMIT");
    const data = (refused.body as { error: { data: { devices: { name: string; kind: string }[]; limit: number } } }).error.data;
    assert.equal(data.limit, 2);
    assert.deepEqual(
      data.devices.map((d) => [d.name, d.kind]),
      [
        [desktopDevice.name, "linked"],
        [desktopDevice.name, "linked"],
      ],
    );
    assert.equal(link.socket.count("LINK_SCANNED"), 0, "the desktop was not told anything");
    assert.equal(await linkedCount(phone.user.id), 2);
    link.socket.close();
    await revokeLinked(phone.tokens.accessToken);
  });

  test("two desktops approved for the last place: one is linked, the other gets DEVICE_LIMIT and no session", async () => {
    const phone = await signIn(server);
    await linkDesktop(server, phone);
    const a = await openLink(server);
    const b = await openLink(server);
    await claimed(server, phone, { ref: a.ref });
    await claimed(server, phone, { ref: b.ref });
    await approve(server, phone, a.linkId);
    await approve(server, phone, b.linkId);
    const [ta, tb] = await Promise.all([a.socket.next("LINK_APPROVED"), b.socket.next("LINK_APPROVED")]);
    const replies = await Promise.all([redeem(server, a.linkId, ta, a.key), redeem(server, b.linkId, tb, b.key)]);
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409]);
    assert.equal(replies.filter((r) => codeOf(r) === "DEVICE_LIMIT").length, 1);
    assert.equal(await linkedCount(phone.user.id), 2);
    // Both links are spent: neither desktop socket is left waiting.
    await Promise.all([a.socket.waitClosed(), b.socket.waitClosed()]);
    await revokeLinked(phone.tokens.accessToken);
  });
});

describe("8. revocation", () => {
  test("after revoke the desktop's socket closes at once, its calls and refresh fail", async () => {
    const phone = await signIn(server);
    const desktop = await linkDesktop(server, phone);
    const socket = await userSocket(desktop.tokens.accessToken);
    const started = Date.now();
    assert.equal((await call(server, "DELETE", `/api/devices/${desktop.tokens.sessionId}`, { token: phone.tokens.accessToken })).status, 200);
    assert.equal((await socket.waitClosed(5000)).code, 4003);
    assert.ok(Date.now() - started < 5000);
    assert.equal(codeOf(await refreshSigned(server, desktop.tokens, desktop.key)), "AUTH_SESSION_REVOKED");
    assert.equal(codeOf(await call(server, "GET", "/api/chats", { token: desktop.tokens.accessToken })), "AUTH_SESSION_REVOKED");
    // Its uploads are refused before a byte is kept.
    const upload = await uploadTo(server, randomUUID(), Buffer.from("pending upload"), { token: desktop.tokens.accessToken });
    assert.equal(upload.code, "AUTH_SESSION_REVOKED");
    const again = await TestSocket.hello(server.url, { accessToken: desktop.tokens.accessToken });
    assert.equal(await again.failure(), "AUTH_SESSION_REVOKED");
  });

  test("a device revoked on one node loses its socket on another within 5 s", async () => {
    const nodeB = await startServer({ nodeOf: server });
    try {
      const phone = await signIn(server);
      const desktop = await linkDesktop(server, phone);
      const socket = await TestSocket.hello(nodeB.url, { accessToken: desktop.tokens.accessToken });
      await socket.next("AUTHENTICATED");
      const started = Date.now();
      await call(server, "DELETE", `/api/devices/${desktop.tokens.sessionId}`, { token: phone.tokens.accessToken });
      assert.equal((await socket.waitClosed(5000)).code, 4003);
      assert.ok(Date.now() - started < 5000, `closed after ${Date.now() - started} ms`);
    } finally {
      await nodeB.close();
    }
  });
});

describe("9. nothing about the account before approval", () => {
  test("until LINK_APPROVED the desktop hears only codes and 'scanned'; nothing names the account", async () => {
    const phone = await makeUser(server, "secretive", "Secret Name");
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    await link.socket.next("LINK_SCANNED");
    await approve(server, phone, link.linkId);
    await link.socket.next("LINK_APPROVED");
    const before = link.socket.events.slice(0, link.socket.events.findIndex((e) => e.type === "LINK_APPROVED") + 1);
    assert.deepEqual(
      before.map((e) => e.type),
      ["LINK_CODE", "LINK_SCANNED", "LINK_APPROVED"],
    );
    assert.deepEqual(before[1], { type: "LINK_SCANNED" });
    const text = JSON.stringify(before);
    for (const secret of [phone.user.id, "secretive", "Secret Name", phone.email, phone.tokens.sessionId]) assert.ok(!text.includes(secret), secret);
    link.socket.close();
  });
});

describe("10. hardening", () => {
  test("a link socket from a foreign Origin is refused; from our own it works", async () => {
    const foreign = await TestSocket.hello(
      server.url,
      { link: { publicKey: (await desktopKey()).publicKey, device: desktopDevice } },
      { origin: "https://evil.example" },
    );
    assert.equal(await foreign.failure(), "ORIGIN_FORBIDDEN");
    const own = await TestSocket.hello(server.url, { link: { publicKey: (await desktopKey()).publicKey, device: desktopDevice } }, { origin: server.url });
    await own.next("LINK_CODE");
    own.close();
  });

  test("malformed keys and handshakes are refused with HANDSHAKE_INVALID", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const spki = (key: ReturnType<typeof generateKeyPairSync>["publicKey"]) => key.export({ format: "der", type: "spki" }).toString("base64url");
    const keys = [
      "",
      "A".repeat(122),
      "A".repeat(201),
      "not base64url!",
      spki(generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey),
      spki(generateKeyPairSync("ed25519").publicKey),
      randomBytes(91).toString("base64url"),
    ];
    for (const publicKey of keys) {
      const socket = await TestSocket.hello(server.url, { link: { publicKey, device: desktopDevice } }, { localAddress: "127.0.0.11" });
      assert.equal(await socket.failure(), "HANDSHAKE_INVALID", publicKey.slice(0, 20));
    }
    const key = (await desktopKey()).publicKey;
    for (const hello of [
      { link: { publicKey: key } },
      { link: { publicKey: key, device: { name: "", platform: "x" } } },
      { link: { publicKey: key, device: desktopDevice, extra: 1 } },
    ]) {
      const socket = await TestSocket.hello(server.url, hello, { localAddress: "127.0.0.12" });
      assert.equal(await socket.failure(), "HANDSHAKE_INVALID");
    }
  });

  test("malformed ids, refs, codes, tickets and signatures are refused before anything runs", async () => {
    const phone = await signIn(server);
    const link = await openLink(server);
    const good = { linkId: link.linkId, ticket: randomBytes(32).toString("base64url"), signature: "A".repeat(86) };
    const redeems = [
      { ...good, linkId: "x" },
      { ...good, linkId: `${link.linkId}=` },
      { ...good, ticket: "t".repeat(44) },
      { ...good, signature: "A".repeat(87) },
      { ...good, signature: "A+".repeat(43) },
      { ...good, signature: 5 },
      { ...good, extra: true },
      {},
    ];
    for (const body of redeems) assert.equal(codeOf(await call(server, "POST", "/api/link/redeem", { body })), "VALIDATION", JSON.stringify(body).slice(0, 60));
    for (const body of [{ ref: "short" }, { ref: "a".repeat(5000) }, { code: "1234" }, { code: "x".repeat(40) }, { ref: link.ref, code: "ABCDEFGH" }, {}]) {
      assert.equal(codeOf(await claim(server, phone, body)), "VALIDATION", JSON.stringify(body).slice(0, 60));
    }
    for (const id of ["x", "a".repeat(23), "a~b"]) assert.equal(codeOf(await approve(server, phone, id)), "VALIDATION", id);
    const badProof = await call(server, "POST", "/api/auth/refresh", { body: { refreshToken: "r", proof: { at: -1, signature: "A".repeat(86) } } });
    assert.equal(codeOf(badProof), "VALIDATION");
    assert.equal(link.socket.count("LINK_SCANNED"), 0);
    link.socket.close();
  });

  test("pending links per address are capped; closing one frees its place", async () => {
    const from = { localAddress: "127.0.0.9" };
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 5; i++) {
      const socket = await TestSocket.hello(server.url, { link: { publicKey: (await desktopKey()).publicKey, device: desktopDevice } }, from);
      await socket.next("LINK_CODE");
      sockets.push(socket);
    }
    const over = await TestSocket.hello(server.url, { link: { publicKey: (await desktopKey()).publicKey, device: desktopDevice } }, from);
    assert.equal(await over.failure(), "RATE_LIMITED");
    sockets.pop()?.close();
    await sockets
      .at(-1)
      ?.waitClosed(100)
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await TestSocket.hello(server.url, { link: { publicKey: (await desktopKey()).publicKey, device: desktopDevice } }, from);
    await again.next("LINK_CODE");
    for (const socket of [...sockets, again]) socket.close();
  });

  test("no ticket, refresh token, access token or key appears in the logs", async () => {
    const phone = await signIn(server);
    const desktop = await linkDesktop(server, phone);
    const fresh = refreshedTokens(await refreshSigned(server, desktop.tokens, desktop.key));
    await refreshSigned(server, desktop.tokens, desktop.key); // its answer "lost": answered again
    const logs = JSON.stringify(server.logs);
    for (const secret of [
      desktop.ticket.ticket,
      desktop.tokens.refreshToken,
      desktop.tokens.accessToken,
      fresh.refreshToken,
      fresh.accessToken,
      desktop.key.publicKey,
    ]) {
      assert.ok(!logs.includes(secret), `a secret in the logs: ${secret.slice(0, 8)}…`);
    }
    assert.ok(server.logs.some((l) => l.msg === "device linked"));
  });
});

describe("11. desktop gone", () => {
  test("the desktop leaves after the claim: the phone hears LINK_ABORTED and approving says LINK_GONE", async () => {
    const phone = await signIn(server);
    const phoneSocket = await userSocket(phone.tokens.accessToken);
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    link.socket.close();
    assert.equal((await phoneSocket.next("LINK_ABORTED")).linkId, link.linkId);
    assert.equal(codeOf(await approve(server, phone, link.linkId)), "LINK_GONE");
    phoneSocket.close();
  });

  test("the desktop leaves after approval: its ticket no longer redeems", async () => {
    const phone = await signIn(server);
    const phoneSocket = await userSocket(phone.tokens.accessToken);
    const link = await openLink(server);
    await claimed(server, phone, { ref: link.ref });
    await approve(server, phone, link.linkId);
    const ticket = await link.socket.next("LINK_APPROVED");
    link.socket.close();
    await phoneSocket.next("LINK_ABORTED");
    assert.equal(codeOf(await redeem(server, link.linkId, ticket, link.key)), "LINK_TICKET_INVALID");
    assert.equal(await linkedCount(phone.user.id), 0);
    phoneSocket.close();
  });
});

describe("12. photographed QR", () => {
  test("someone else's account claims first: the real person's scan says already used, and nothing is linked to them", async () => {
    const attacker = await signIn(server);
    const person = await signIn(server);
    const link = await openLink(server);
    const stolen = LinkClaim.parse((await claim(server, attacker, { ref: link.ref }, "127.0.0.20")).body);
    assert.equal(stolen.linkId, link.linkId);
    assert.equal(codeOf(await claim(server, person, { ref: link.ref })), "LINK_ALREADY_USED");
    assert.equal(codeOf(await approve(server, person, link.linkId)), "LINK_NOT_FOUND");
    const devices = await call(server, "GET", "/api/devices", { token: person.tokens.accessToken });
    assert.deepEqual(
      (devices.body as { devices: { kind: string }[] }).devices.map((d) => d.kind),
      ["primary"],
    );
    link.socket.close();
  });
});

async function linkedCount(userId: string): Promise<number> {
  const rows = await server.app.database.db
    .selectFrom("authSessions")
    .select("id")
    .where("userId", "=", userId)
    .where("kind", "=", "linked")
    .where("revokedAt", "is", null)
    .execute();
  return rows.length;
}

async function revokeLinked(accessToken: string): Promise<void> {
  const reply = await call(server, "POST", "/api/devices/log-out-others", { token: accessToken });
  assert.equal(reply.status, 200);
}
