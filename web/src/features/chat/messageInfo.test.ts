import assert from "node:assert/strict";
import { test } from "node:test";
import { deviceLine, deviceLines, GONE_DEVICE, memberLines, receiptTime, UNNAMED_DEVICE } from "./messageInfo.ts";

const at = (iso: string) => new Date(iso).getTime();
const now = at("2026-12-07T15:00:00");

test("each device: when it got the message and when it was read there", () => {
  const [phone, desktop] = deviceLines(
    {
      messageId: "m",
      devices: [
        { deviceName: "Chrome on Pixel 8", platform: "Android", linked: true, deliveredAt: at("2026-12-07T10:02:00"), readAt: null },
        { deviceName: "Chrome on Linux", platform: "Linux", linked: true, deliveredAt: at("2026-12-07T10:03:00"), readAt: at("2026-12-07T10:05:00") },
      ],
    },
    now,
    "en-GB",
  );
  assert.deepEqual(phone, {
    name: "Chrome on Pixel 8",
    detail: "Android",
    times: "Delivered 10:02 · Not read yet",
    sentence: "Delivered to Chrome on Pixel 8 10:02 · Not read on Chrome on Pixel 8 yet",
    read: false,
  });
  assert.equal(desktop?.sentence, "Delivered to Chrome on Linux 10:03 · Read on Chrome on Linux 10:05");
  assert.equal(desktop?.times, "Delivered 10:03 · Read 10:05");
});

test("a logged-out device keeps its name and says so; one whose session is gone has none", () => {
  const loggedOut = deviceLine({ deviceName: "Firefox on Windows", platform: "Windows", linked: false, deliveredAt: now, readAt: now }, now, "en-GB");
  assert.equal(loggedOut.detail, "no longer linked", "the name says the platform already");
  assert.equal(
    deviceLine({ deviceName: "Work laptop", platform: "Windows", linked: false, deliveredAt: now, readAt: null }, now).detail,
    "Windows · no longer linked",
  );
  const gone = deviceLine({ deviceName: null, platform: null, linked: false, deliveredAt: now, readAt: null }, now, "en-GB");
  assert.deepEqual([gone.name, gone.detail], [GONE_DEVICE, ""]);
  assert.match(gone.sentence, /^Delivered to a device that is no longer linked \d\d:\d\d · Not read on a device that is no longer linked yet$/);
  const unnamed = deviceLine({ deviceName: null, platform: null, linked: true, deliveredAt: now, readAt: null }, now, "en-GB");
  assert.equal(unnamed.name, UNNAMED_DEVICE, "a linked device that never said its name is not called gone");
});

test("times older than today carry their day", () => {
  assert.equal(receiptTime(at("2026-12-07T09:30:00"), now, "en-GB"), "09:30");
  assert.equal(receiptTime(at("2026-12-06T22:15:00"), now, "en-GB"), "Yesterday 22:15");
  assert.equal(receiptTime(at("2026-11-30T08:00:00"), now, "en-GB"), "30 Nov 08:00");
  assert.equal(receiptTime(at("2025-11-30T08:00:00"), now, "en-GB"), "30 Nov 2025 08:00");
});

test("a group message's info has one line per member: read, delivered, or not yet", () => {
  const sent = new Date(2026, 2, 3, 10, 2).getTime();
  const info = {
    messageId: "m",
    devices: [],
    members: [
      { userId: "a", deliveredAt: sent, readAt: sent + 3 * 60_000 },
      { userId: "b", deliveredAt: sent, readAt: null },
      { userId: "c", deliveredAt: null, readAt: null },
    ],
  };
  const names = (id: string) => ({ a: "Ada", b: "Bob" })[id] ?? "Former member";
  const lines = memberLines(info, names, sent + 60 * 60_000, "en-GB");
  assert.deepEqual(
    lines.map((l) => [l.name, l.times, l.read, l.delivered]),
    [
      ["Ada", "Delivered 10:02 · Read 10:05", true, true],
      ["Bob", "Delivered 10:02 · Not read yet", false, true],
      ["Former member", "Not delivered yet", false, false],
    ],
  );
});
