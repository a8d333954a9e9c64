import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parsePairingQr } from "@easyqr/protocol";
import { startServer, type TestServer } from "./support/harness.ts";
import { createSession, pair, TestSocket } from "./support/client.ts";

let server: TestServer;
before(async () => (server = await startServer({ pairingLimits: { maxPendingPerIp: 1000 } })));
after(() => server.close());

describe("the seed's contract", () => {
  test("GET /health answers ok, with the database's readiness", async () => {
    const response = await fetch(`${server.url}/health`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; checks: { database: string } };
    assert.equal(body.status, "ok");
    assert.equal(body.checks.database, "ok");
  });

  test("POST /create-session returns a pending session with a 2–3 minute JWT and a QR that carries everything", async () => {
    const session = await createSession(server.url);
    assert.equal(session.status, "PENDING");
    const [, payload] = session.token.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as { exp: number; iat: number };
    const lifetime = claims.exp - claims.iat;
    assert.ok(lifetime >= 120 && lifetime <= 180, `token lives ${lifetime} s`);
    const qr = parsePairingQr(session.qr.url);
    assert.deepEqual(qr, { sessionId: session.sessionId, token: session.token, server: server.url });
    assert.ok(!session.qr.url.includes(session.desktopToken), "the desktop's secret is never in the QR");
    assert.match(session.qr.code, /^[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  test("phone and desktop both receive CONNECTED and the server logs it", async () => {
    const { session, desktop, phone } = await pair(server.url);
    assert.ok(server.logs.some((l) => l.msg === `Session ${session.sessionId} connected`));
    const onDesktop = desktop.events.find((e) => e.type === "CONNECTED");
    assert.equal(onDesktop?.type === "CONNECTED" && onDesktop.phones[0]?.device?.name, "Test phone");
    desktop.close();
    phone.close();
  });

  test("the seed's JSON QR form pairs too", async () => {
    const session = await createSession(server.url);
    const json = JSON.stringify({ sessionId: session.sessionId, token: session.token, server: server.url.replace("http", "ws") });
    const payload = parsePairingQr(json);
    assert.ok(payload);
    const phone = await TestSocket.hello(payload.server, { sessionId: payload.sessionId, token: payload.token });
    await phone.next("CONNECTED");
    phone.close();
  });
});

describe("tokens", () => {
  test("a token works once: a replay gets PAIR_TOKEN_USED", async () => {
    const { session, desktop, phone } = await pair(server.url);
    const replay = await TestSocket.hello(server.url, { sessionId: session.sessionId, token: session.token });
    assert.equal(await replay.failure(), "PAIR_TOKEN_USED");
    desktop.close();
    phone.close();
  });

  test("of 100 parallel connects with one token exactly one wins", async () => {
    const session = await createSession(server.url);
    const phones = await Promise.all(Array.from({ length: 100 }, () => TestSocket.hello(server.url, { sessionId: session.sessionId, token: session.token })));
    const outcomes = await Promise.all(phones.map((p) => p.outcome()));
    assert.equal(outcomes.filter((o) => o === "CONNECTED").length, 1);
    assert.equal(outcomes.filter((o) => o === "PAIR_TOKEN_USED").length, 99);
    for (const p of phones) p.close();
  });

  test("a token for one session does not open another", async () => {
    const a = await createSession(server.url);
    const b = await createSession(server.url);
    const phone = await TestSocket.hello(server.url, { sessionId: b.sessionId, token: a.token });
    assert.equal(await phone.failure(), "PAIR_TOKEN_INVALID");
  });

  test("forged, garbage and unknown-session tokens are refused", async () => {
    const session = await createSession(server.url);
    const [header, payload] = session.token.split(".");
    const unsigned = `${header}.${payload}.`;
    const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${payload}.`;
    for (const token of [unsigned, noneAlg, "garbage", `${session.token}x`]) {
      const phone = await TestSocket.hello(server.url, { sessionId: session.sessionId, token });
      assert.equal(await phone.failure(), "PAIR_TOKEN_INVALID", token);
    }
    const stranger = await TestSocket.hello(server.url, { sessionId: crypto.randomUUID(), desktopToken: "x" });
    assert.equal(await stranger.failure(), "PAIR_DESKTOP_TOKEN_INVALID");
    const wrongDesktop = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: "A".repeat(43) });
    assert.equal(await wrongDesktop.failure(), "PAIR_DESKTOP_TOKEN_INVALID");
  });
});

describe("rotation and expiry (controlled clock)", () => {
  test("the QR rotates every ~20 s, pushed live; a rotated-out token works for 5 s, then gets PAIR_TOKEN_ROTATED", async () => {
    const session = await createSession(server.url);
    const desktop = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    await desktop.next("WAITING");
    server.clock.advance(19_000);
    await server.tick();
    assert.equal(desktop.count("WAITING"), 1, "not yet due");
    server.clock.advance(1_000);
    await server.tick();
    const rotated = await desktop.next("WAITING");
    assert.notEqual(rotated.qr.token, session.token);
    assert.notEqual(rotated.qr.code, session.qr.code);

    server.clock.advance(4_000);
    const inGrace = await TestSocket.hello(server.url, { sessionId: session.sessionId, token: session.token });
    await inGrace.next("CONNECTED");
    inGrace.close();

    const second = await createSession(server.url);
    server.clock.advance(20_000);
    await server.tick();
    server.clock.advance(5_001);
    const late = await TestSocket.hello(server.url, { sessionId: second.sessionId, token: second.token });
    assert.equal(await late.failure(), "PAIR_TOKEN_ROTATED");
    const lateCode = await TestSocket.hello(server.url, { code: second.qr.code });
    assert.equal(await lateCode.failure(), "PAIR_TOKEN_ROTATED");
    desktop.close();
  });

  test("a token past its lifetime gets PAIR_TOKEN_EXPIRED", async () => {
    const session = await createSession(server.url);
    server.clock.advance(150_001);
    const phone = await TestSocket.hello(server.url, { sessionId: session.sessionId, token: session.token });
    assert.equal(await phone.failure(), "PAIR_TOKEN_EXPIRED");
  });

  test("a token the session no longer holds (swept after its lifetime) still gets PAIR_TOKEN_EXPIRED, not INVALID", async () => {
    const session = await createSession(server.url);
    for (let elapsed = 0; elapsed < 160_000; elapsed += 20_000) {
      server.clock.advance(20_000);
      await server.tick();
    }
    const phone = await TestSocket.hello(server.url, { sessionId: session.sessionId, token: session.token });
    assert.equal(await phone.failure(), "PAIR_TOKEN_EXPIRED");
    const stranger = await TestSocket.hello(server.url, { sessionId: crypto.randomUUID(), token: session.token });
    assert.equal(await stranger.failure(), "PAIR_TOKEN_EXPIRED", "the token is checked before the session");
    const unknown = await TestSocket.hello(server.url, { sessionId: crypto.randomUUID(), token: "garbage" });
    assert.equal(await unknown.failure(), "PAIR_TOKEN_INVALID");
  });

  test("after ~5 minutes waiting the session expires: the desktop is told, the newest token is refused, later it is swept", async () => {
    const session = await createSession(server.url);
    const desktop = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    let latest = (await desktop.next("WAITING")).qr;
    for (let elapsed = 20_000; elapsed < 300_000; elapsed += 20_000) {
      server.clock.advance(20_000);
      await server.tick();
      latest = (await desktop.next("WAITING")).qr;
    }
    server.clock.advance(20_000);
    await server.tick();
    const expired = await desktop.next("EXPIRED");
    assert.equal(expired.sessionId, session.sessionId);
    const phone = await TestSocket.hello(server.url, { sessionId: session.sessionId, token: latest.token });
    assert.equal(await phone.failure(), "PAIR_SESSION_EXPIRED");
    const again = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    assert.equal(await again.failure(), "PAIR_SESSION_EXPIRED");

    server.clock.advance(10 * 60_000 + 1);
    await server.tick();
    assert.ok(!(await server.app.pairing.exists(session.sessionId)), "swept");
    const afterSweep = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    assert.equal(await afterSweep.failure(), "PAIR_DESKTOP_TOKEN_INVALID");
    desktop.close();
  });
  test("a connected session lasts while a socket is open, and closes once idle for 10 minutes", async () => {
    const { session, desktop, phone, phoneToken } = await pair(server.url);
    for (let elapsed = 0; elapsed < 30 * 60_000; elapsed += 60_000) {
      server.clock.advance(60_000);
      await server.tick();
    }
    assert.equal(desktop.count("CLOSED"), 0, "closed while both sockets were open");
    phone.close();
    await desktop.next("PEER_LEFT");
    desktop.close();
    const heldAnywhere = () => server.nodes.some((node) => node.gateway.pairingSessionIds().includes(session.sessionId));
    while (heldAnywhere()) await new Promise((resolve) => setTimeout(resolve, 10));
    for (let elapsed = 0; elapsed <= 10 * 60_000; elapsed += 60_000) {
      server.clock.advance(60_000);
      await server.tick();
    }
    const back = await TestSocket.hello(server.url, { sessionId: session.sessionId, phoneToken });
    assert.equal(await back.failure(), "PAIR_SESSION_CLOSED");
  });
});

describe("pairing code", () => {
  test("typing the code shown under the QR pairs, in any case and with the dash; the code is single-use", async () => {
    const session = await createSession(server.url);
    const desktop = await TestSocket.hello(server.url, { sessionId: session.sessionId, desktopToken: session.desktopToken });
    await desktop.next("WAITING");
    const typed = `${session.qr.code.slice(0, 4)}-${session.qr.code.slice(4)}`.toLowerCase();
    const phone = await TestSocket.hello(server.url, { code: typed, device: { name: "Typist", platform: "test" } });
    await phone.next("CONNECTED");
    await desktop.next("CONNECTED");
    const again = await TestSocket.hello(server.url, { code: session.qr.code });
    assert.equal(await again.failure(), "PAIR_TOKEN_USED");
    phone.close();
    desktop.close();
  });

  test("an unknown code gets PAIR_CODE_INVALID", async () => {
    const phone = await TestSocket.hello(server.url, { code: "ZZZZ-ZZZZ" });
    assert.equal(await phone.failure(), "PAIR_CODE_INVALID");
  });
});

describe("a session made on the desktop's socket ({create})", () => {
  test("the first WAITING carries the session and its desktopToken; a phone pairs with its QR; the desktop comes back with its token", async () => {
    const desktop = await TestSocket.hello(server.url, { create: {} });
    const waiting = await desktop.next("WAITING");
    const { sessionId, desktopToken, qr } = waiting;
    assert.ok(desktopToken && desktopToken.length >= 43, "a 256-bit secret");
    assert.ok(!qr.url.includes(desktopToken), "the desktop's secret is never in the QR");
    assert.deepEqual(parsePairingQr(qr.url), { sessionId, token: qr.token, server: server.url });
    assert.match(qr.code, /^[0-9A-HJKMNP-TV-Z]{8}$/);
    assert.ok(waiting.expiresAt - Date.now() > 4 * 60_000, "it waits about 5 minutes");

    const phone = await TestSocket.hello(server.url, { sessionId, token: qr.token, device: { name: "Test phone", platform: "test" } });
    const phoneConnected = await phone.next("CONNECTED");
    const onDesktop = await desktop.next("CONNECTED");
    assert.equal(onDesktop.phones[0]?.device?.name, "Test phone");
    assert.ok(server.logs.some((l) => l.msg === `Session ${sessionId} connected`));

    desktop.close();
    await phone.next("PEER_LEFT");
    const back = await TestSocket.hello(server.url, { sessionId, desktopToken });
    const again = await back.next("CONNECTED");
    assert.equal(again.phones[0]?.phoneId, phoneConnected.phoneId);
    assert.equal(
      back.events.some((e) => e.type === "WAITING" && e.desktopToken),
      false,
    );
    back.close();
    phone.close();
  });

  test("only the answer to {create} carries the desktopToken: not a rotation, not a reconnect", async () => {
    const desktop = await TestSocket.hello(server.url, { create: { allowMultiplePhones: false } });
    const { sessionId, desktopToken } = await desktop.next("WAITING");
    assert.ok(desktopToken);
    server.clock.advance(20_000);
    await server.tick();
    const rotated = await desktop.next("WAITING");
    assert.equal(rotated.desktopToken, undefined);
    const second = await TestSocket.hello(server.url, { sessionId, desktopToken });
    assert.equal((await second.next("WAITING")).desktopToken, undefined);
    desktop.close();
    second.close();
  });

  test("allowMultiplePhones: the paired desktop keeps showing a QR for more phones", async () => {
    const desktop = await TestSocket.hello(server.url, { create: { allowMultiplePhones: true } });
    const { sessionId, qr } = await desktop.next("WAITING");
    const phone = await TestSocket.hello(server.url, { sessionId, token: qr.token });
    await phone.next("CONNECTED");
    const connected = await desktop.next("CONNECTED", 3000, (e) => e.phones.length === 1);
    assert.equal(connected.allowMultiplePhones, true);
    assert.ok(connected.qr && connected.qr.token !== qr.token, "a fresh code for the next phone");
    desktop.close();
    phone.close();
  });

  test("bad {create} handshakes get HANDSHAKE_INVALID in the one error shape, naming what is wrong, and the socket is closed", async () => {
    const cases: [unknown, RegExp][] = [
      [{ create: { allowMultiplePhones: "yes" } }, /create\.allowMultiplePhones/],
      [{ create: { extra: 1 } }, /extra/],
      [{ create: null }, /create/],
      [{ create: [] }, /create/],
      [{ create: {}, sessionId: crypto.randomUUID() }, /sessionId/],
      [{ nothing: 1 }, /./],
      [[{ create: {} }], /./],
    ];
    for (const [hello, names] of cases) {
      const socket = await TestSocket.hello(server.url, hello as object, { localAddress: "127.0.3.1" });
      const error = await socket.next("ERROR");
      assert.deepEqual(Object.keys(error.error).sort(), ["code", "message"], JSON.stringify(hello));
      assert.equal(error.error.code, "HANDSHAKE_INVALID");
      assert.match(error.error.message, names, JSON.stringify(hello));
      assert.equal((await socket.waitClosed()).code, 4000);
    }
  });
});

describe("waiting sessions per address", () => {
  test("{create} and POST /create-session share the cap: past it the socket gets RATE_LIMITED and is closed", async () => {
    const limited = await startServer({ pairingLimits: { maxPendingPerIp: 2 } });
    try {
      await createSession(limited.url);
      const first = await TestSocket.hello(limited.url, { create: {} });
      await first.next("WAITING");
      const refused = await TestSocket.hello(limited.url, { create: {} });
      assert.equal((await refused.next("ERROR")).error.code, "RATE_LIMITED");
      assert.equal((await refused.waitClosed()).code, 4000);
      const response = await fetch(`${limited.url}/create-session`, { method: "POST" });
      assert.equal(response.status, 429);
      // A refused create is no failed guess: the same address may go on creating once a session ends.
      first.send({ type: "CLOSE_SESSION" });
      await first.next("CLOSED");
      const next = await TestSocket.hello(limited.url, { create: {} });
      assert.ok((await next.next("WAITING")).desktopToken);
      next.close();
      first.close();
    } finally {
      await limited.close();
    }
  });
});
