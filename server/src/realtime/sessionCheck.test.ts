import assert from "node:assert/strict";
import { test } from "node:test";
import type { SessionService } from "../auth/sessions.ts";
import { ManualClock } from "../clock.ts";
import { Hub } from "./hub.ts";
import type { Peer } from "./peer.ts";
import { REVOCATION_OVERLAP_MS, SessionCheck } from "./sessionCheck.ts";

/** What the check asked the database, and what it closed. The real queries: server/test/sessionCheck.test.ts. */
function checked(fullEvery: number) {
  const clock = new ManualClock(1_000_000);
  const hub = new Hub();
  const asked: string[] = [];
  const dropped: string[][] = [];
  let failing = false;
  const sessions = {
    revokedSince: (since: number) => (asked.push(`since ${since}`), failing ? Promise.reject(new Error("down")) : Promise.resolve(["revoked"])),
    deadAmong: (ids: string[]) => (asked.push(`all ${ids.join(",")}`), failing ? Promise.reject(new Error("down")) : Promise.resolve(["deleted"])),
  } as unknown as SessionService;
  const check = new SessionCheck({ sessions, hub, clock, drop: (ids) => void (ids.length && dropped.push([...ids])), fullEvery });
  return { clock, hub, asked, dropped, check, fail: (on: boolean) => (failing = on) };
}

test("each pass asks for what was revoked since the last look less the overlap; the window moves only after a look that worked", async () => {
  const { clock, asked, check, fail } = checked(1000);
  await check.run();
  clock.advance(2_000);
  await check.run();
  fail(true);
  clock.advance(2_000);
  await assert.rejects(check.run());
  fail(false);
  clock.advance(2_000);
  await check.run();
  const start = 1_000_000 - REVOCATION_OVERLAP_MS;
  assert.deepEqual(asked, [`since ${start}`, `since ${start}`, `since ${start + 2_000}`, `since ${start + 2_000}`]);
});

test("every fullEvery-th pass asks about every session held instead; one that fails is due again at the next", async () => {
  const { hub, asked, check, fail } = checked(3);
  hub.addUser("ann", "s1", Infinity, {} as Peer);
  hub.addUser("ann", "s2", Infinity, {} as Peer);
  for (let i = 0; i < 3; i++) await check.run();
  fail(true);
  for (let i = 0; i < 3; i++) await assert.rejects(check.run());
  fail(false);
  await check.run();
  await check.run();
  assert.deepEqual(
    asked.map((a) => a.split(" ")[0]),
    ["since", "since", "all", "since", "since", "all", "all", "since"],
  );
  assert.equal(asked[2], "all s1,s2");
});

test("a pass closes the sessions that have ended by the end each socket's handshake read, even with the database away", async () => {
  const { clock, hub, dropped, check, fail } = checked(1000);
  hub.addUser("ann", "ends-soon", 1_000_500, {} as Peer);
  hub.addUser("ann", "ends-soon", 1_000_500, {} as Peer);
  hub.addUser("ben", "ends-later", 2_000_000, {} as Peer);
  fail(true);
  await assert.rejects(check.run());
  assert.deepEqual(dropped, []);
  clock.advance(500);
  await assert.rejects(check.run());
  assert.deepEqual(dropped, [["ends-soon"]]);
});

test("passes do not overlap: while one waits for the database, a second run is that one", async () => {
  const { check, asked } = checked(1000);
  const [first, second] = [check.run(), check.run()];
  assert.equal(first, second);
  await first;
  assert.equal(asked.length, 1);
});
