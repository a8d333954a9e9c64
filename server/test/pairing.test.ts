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
