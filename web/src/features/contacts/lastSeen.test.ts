import assert from "node:assert/strict";
import { test } from "node:test";
import { nextChangeIn, presenceText } from "./lastSeen.ts";

const now = Date.UTC(2025, 5, 15, 12, 0, 0);
const utc = { locale: "en-GB", timeZone: "UTC" };
const seen = (lastSeen: number | null) => ({ online: false, lastSeen });

test("online, hidden and never seen", () => {
  assert.equal(presenceText({ online: true, lastSeen: null }, now), "online");
  assert.equal(presenceText(seen(null), now), "offline");
});

test("recent last seen reads relative to now", () => {
  assert.equal(presenceText(seen(now - 5_000), now), "last seen just now");
  assert.equal(presenceText(seen(now + 5_000), now), "last seen just now", "a clock slightly behind the server's");
  assert.equal(presenceText(seen(now - 60_000), now), "last seen 1 minute ago");
  assert.equal(presenceText(seen(now - 59 * 60_000), now), "last seen 59 minutes ago");
});

test("older last seen says the day and the time", () => {
  assert.equal(presenceText(seen(Date.UTC(2025, 5, 15, 8, 5)), now, utc), "last seen today at 08:05");
  assert.equal(presenceText(seen(Date.UTC(2025, 5, 14, 22, 30)), now, utc), "last seen yesterday at 22:30");
  assert.equal(presenceText(seen(Date.UTC(2025, 2, 3, 9, 0)), now, utc), "last seen 3 Mar");
  assert.equal(presenceText(seen(Date.UTC(2024, 2, 3, 9, 0)), now, utc), "last seen 3 Mar 2024");
});

test("the text is re-rendered when its minute turns", () => {
  assert.equal(nextChangeIn({ online: true, lastSeen: null }, now), null);
  assert.equal(nextChangeIn(seen(now - 90_000), now), 30_000);
  assert.equal(nextChangeIn(seen(now - 2 * 3_600_000), now), 600_000);
});
