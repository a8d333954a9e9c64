import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DeviceList, LogOutOthersResponse, VerifyCodeResponse } from "@easyqr/protocol";
import { call, codeOf, signIn, type SignedIn } from "./support/api.ts";
import { TestSocket } from "./support/client.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { desktopDevice, linkDesktop, refreshedTokens, refreshSigned } from "./support/linking.ts";

let server: TestServer;
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000 } })));
after(() => server.close());

async function devicesOf(who: SignedIn | string) {
  const token = typeof who === "string" ? who : who.tokens.accessToken;
  const reply = await call(server, "GET", "/api/devices", { token });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return DeviceList.parse(reply.body).devices;
}

async function phoneWithDevice(): Promise<SignedIn> {
  const email = `dev${randomUUID().slice(0, 8)}@example.com`;
  const requested = await call(server, "POST", "/api/auth/request-code", { body: { email } });
  const { requestId } = requested.body as { requestId: string };
  const code = server.logs.findLast((l) => l.msg.startsWith(`OTP for ${email}: `))!.msg.split(": ")[1];
  const verified = await call(server, "POST", "/api/auth/verify-code", { body: { requestId, code, device: { name: "Pixel 9", platform: "Android" } } });
  assert.equal(verified.status, 200);
  const { tokens, user } = VerifyCodeResponse.parse(verified.body);
  return { tokens, user, email };
}

describe("the devices list", () => {
  test("every live device, this one first: name, platform, kind, IP, last active", async () => {
    const phone = await phoneWithDevice();
    const desktop = await linkDesktop(server, phone);
    server.clock.advance(1000);
    const second = await signIn(server, phone.email);
    const seenByPhone = await devicesOf(phone);
    assert.deepEqual(
      seenByPhone.map((d) => [d.id, d.kind, d.current]),
      [
        [phone.tokens.sessionId, "primary", true],
        [second.tokens.sessionId, "primary", false],
        [desktop.tokens.sessionId, "linked", false],
      ],
    );
    assert.equal(seenByPhone[0]?.name, "Pixel 9");
    assert.equal(seenByPhone[0]?.platform, "Android");
    assert.equal(seenByPhone[0]?.ip, "127.0.0.1");
    assert.equal(seenByPhone[2]?.name, desktopDevice.name);
    assert.equal(seenByPhone[2]?.ip, "127.0.0.1");
    const seenByDesktop = await devicesOf(desktop.tokens.accessToken);
    assert.equal(seenByDesktop[0]?.id, desktop.tokens.sessionId);
    assert.equal(seenByDesktop[0]?.current, true);
  });

  test("DEVICE_LINKED reaches every socket of the account, and no one else's", async () => {
    const phone = await signIn(server);
    const tab = await signIn(server, phone.email);
    const stranger = await signIn(server);
    const sockets = await Promise.all([phone, tab, stranger].map((s) => TestSocket.hello(server.url, { accessToken: s.tokens.accessToken })));
    await Promise.all(sockets.map((s) => s.next("AUTHENTICATED")));
    const desktop = await linkDesktop(server, phone);
    for (const socket of sockets.slice(0, 2)) assert.equal((await socket.next("DEVICE_LINKED")).device.id, desktop.tokens.sessionId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(sockets[2]!.count("DEVICE_LINKED"), 0);
    for (const socket of sockets) socket.close();
  });

  test("last active moves with a refresh and with a socket connecting", async () => {
    const phone = await signIn(server);
    const desktop = await linkDesktop(server, phone);
    const linkedAt = (await devicesOf(phone)).find((d) => d.id === desktop.tokens.sessionId)!.lastActiveAt;
    server.clock.advance(5 * 60_000);
    const fresh = refreshedTokens(await refreshSigned(server, desktop.tokens, desktop.key));
    const afterRefresh = (await devicesOf(phone)).find((d) => d.id === desktop.tokens.sessionId)!.lastActiveAt;
    assert.equal(afterRefresh, linkedAt + 5 * 60_000);
    server.clock.advance(3 * 60_000);
    const socket = await TestSocket.hello(server.url, { accessToken: fresh.accessToken });
    await socket.next("AUTHENTICATED");
    const deadline = Date.now() + 2000;
    let seen = afterRefresh;
    while (seen === afterRefresh && Date.now() < deadline) {
      seen = (await devicesOf(phone)).find((d) => d.id === desktop.tokens.sessionId)!.lastActiveAt;
    }
    assert.equal(seen, afterRefresh + 3 * 60_000);
    socket.close();
  });
});

describe("logging devices out", () => {
  test("one's own device by id; another account's or an unknown one is DEVICE_NOT_FOUND; a malformed id VALIDATION", async () => {
    const phone = await signIn(server);
    const other = await signIn(server);
    const desktop = await linkDesktop(server, phone);
    assert.equal(codeOf(await call(server, "DELETE", `/api/devices/${desktop.tokens.sessionId}`, { token: other.tokens.accessToken })), "DEVICE_NOT_FOUND");
    assert.equal(codeOf(await call(server, "DELETE", `/api/devices/${randomUUID()}`, { token: phone.tokens.accessToken })), "DEVICE_NOT_FOUND");
    assert.equal(codeOf(await call(server, "DELETE", "/api/devices/nope", { token: phone.tokens.accessToken })), "VALIDATION");
    assert.equal(codeOf(await call(server, "DELETE", `/api/devices/${desktop.tokens.sessionId}`)), "AUTH_REQUIRED");
    assert.equal((await devicesOf(phone)).length, 2);
    const revoked = await call(server, "DELETE", `/api/devices/${desktop.tokens.sessionId}`, { token: phone.tokens.accessToken });
    assert.deepEqual([revoked.status, revoked.body], [200, {}]);
    assert.deepEqual(
      (await devicesOf(phone)).map((d) => d.id),
      [phone.tokens.sessionId],
    );
    assert.equal(codeOf(await call(server, "DELETE", `/api/devices/${desktop.tokens.sessionId}`, { token: phone.tokens.accessToken })), "DEVICE_NOT_FOUND");
  });

  test("log out all others: their sockets close and refreshes fail; this device stays", async () => {
    const phone = await signIn(server);
    const tab = await signIn(server, phone.email);
    const desktop = await linkDesktop(server, phone);
    const sockets = await Promise.all([phone, tab].map((s) => TestSocket.hello(server.url, { accessToken: s.tokens.accessToken })));
    const desktopSocket = await TestSocket.hello(server.url, { accessToken: desktop.tokens.accessToken });
    await Promise.all([...sockets, desktopSocket].map((s) => s.next("AUTHENTICATED")));
    const reply = await call(server, "POST", "/api/devices/log-out-others", { token: phone.tokens.accessToken });
    assert.deepEqual(LogOutOthersResponse.parse(reply.body), { revoked: 2 });
    assert.equal((await sockets[1]!.waitClosed(5000)).code, 4003);
    assert.equal((await desktopSocket.waitClosed(5000)).code, 4003);
    assert.equal(sockets[0]!.closed, undefined);
    assert.equal(codeOf(await call(server, "POST", "/api/auth/refresh", { body: { refreshToken: tab.tokens.refreshToken } })), "AUTH_SESSION_REVOKED");
    assert.equal(codeOf(await refreshSigned(server, desktop.tokens, desktop.key)), "AUTH_SESSION_REVOKED");
    assert.deepEqual(
      (await devicesOf(phone)).map((d) => d.id),
      [phone.tokens.sessionId],
    );
    sockets[0]!.close();
  });
});

describe("idle devices", () => {
  // Last: it moves the shared clock a month ahead.
  test("a device idle 30 days expires: the sweep ends it, it leaves the list, its refresh fails; a used one stays", async () => {
    const phone = await signIn(server);
    const idle = await linkDesktop(server, phone);
    const used = await linkDesktop(server, phone);
    let usedTokens = used.tokens;
    for (let day = 0; day < 31; day += 10) {
      server.clock.advance(10 * 24 * 60 * 60_000);
      usedTokens = refreshedTokens(await refreshSigned(server, usedTokens, used.key));
    }
    assert.equal(codeOf(await refreshSigned(server, idle.tokens, idle.key)), "AUTH_REFRESH_EXPIRED", "refused even before the sweep");
    const socket = await TestSocket.hello(server.url, { accessToken: usedTokens.accessToken });
    await socket.next("AUTHENTICATED");
    assert.ok((await server.app.sessions.expireIdle()) >= 2, "the idle desktop and the phone that was not used either");
    const ids = (await devicesOf(usedTokens.accessToken)).map((d) => d.id);
    assert.deepEqual(ids, [used.tokens.sessionId]);
    assert.equal(codeOf(await refreshSigned(server, idle.tokens, idle.key)), "AUTH_SESSION_REVOKED");
    assert.equal(socket.closed, undefined);
    socket.close();
  });
});
