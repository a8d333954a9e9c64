import assert from "node:assert/strict";
import { test } from "node:test";
import type { ServerEvent } from "@easyqr/protocol";
import { pino } from "pino";
import { ManualClock } from "../clock.ts";
import type { DeviceService } from "../devices/service.ts";
import type { UsersService } from "../users/service.ts";
import { defaultLinkLimits } from "./limits.ts";
import { LinkService, type LinkDesktops } from "./service.ts";
import { MemoryLinkStore } from "./store.ts";
import { memoryLimiter } from "../limiters.ts";

// The link state machine with the clock in hand; the routes, database and sockets around it are
// exercised by server/test/linking.test.ts.
async function setup() {
  const clock = new ManualClock(1_000_000);
  const sent: { linkId: string; event: ServerEvent | undefined; end: boolean }[] = [];
  const desktops: LinkDesktops = {
    send: (linkId, event) => void sent.push({ linkId, event, end: false }),
    end: (linkId, event) => void sent.push({ linkId, event, end: true }),
    connected: () => Promise.resolve(true),
  };
  const room = { assertRoom: () => Promise.resolve() } as unknown as DeviceService;
  const store = new MemoryLinkStore();
  const links = new LinkService(
    store,
    room,
    {} as UsersService,
    desktops,
    () => undefined,
    clock,
    defaultLinkLimits,
    () => "https://chat.example",
    pino({ level: "silent" }),
    memoryLimiter,
  );
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const publicKey = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString("base64url");
  const linkId = await links.open({ publicKey, device: { name: "d", platform: "p" }, ip: "10.0.0.1", userAgent: "ua" });
  await links.online(linkId);
  return { clock, sent, links, store, linkId };
}

const codes = (sent: { event: ServerEvent | undefined }[]) => sent.flatMap((s) => (s.event?.type === "LINK_CODE" ? [s.event] : []));

test("a link rotates every 30 s, each ref living 60 s, never past the link's 5 minutes, then expires once", async () => {
  const { clock, sent, links, store, linkId } = await setup();
  for (let i = 0; i < 12; i++) {
    clock.advance(30_000);
    await links.tick();
  }
  const shown = codes(sent);
  assert.equal(shown.length, 10);
  const start = 1_000_000;
  shown.forEach((event, i) => {
    assert.equal(event.qr.rotatesAt, start + (i + 1) * 30_000);
    assert.equal(event.qr.expiresAt, Math.min(start + (i + 2) * 30_000, start + 300_000));
    assert.equal(event.linkExpiresAt, start + 300_000);
  });
  assert.equal(new Set(shown.map((e) => e.qr.code)).size, 10);
  const ends = sent.filter((s) => s.end);
  assert.deepEqual(
    ends.map((s) => s.event?.type),
    ["LINK_EXPIRED"],
  );
  assert.equal((await store.get(linkId))?.state, "expired");
  clock.advance(5 * 60_000);
  await links.tick();
  assert.equal(await store.get(linkId), undefined, "forgotten after its retention");
});

test("at most the current ref and the one before it are kept", async () => {
  const { clock, links, store, linkId } = await setup();
  for (let i = 0; i < 4; i++) {
    clock.advance(30_000);
    await links.tick();
    assert.ok((await store.get(linkId))!.refs.length <= 2);
  }
});

test("a desktop that leaves while pending is forgotten at once (its place per address is free)", async () => {
  const { links, store, linkId } = await setup();
  assert.equal(await store.countPendingByIp("10.0.0.1"), 1);
  await links.desktopGone(linkId);
  assert.equal(await store.get(linkId), undefined);
  assert.equal(await store.countPendingByIp("10.0.0.1"), 0);
});
