import assert from "node:assert/strict";
import { test } from "node:test";
import { canDelete, canEdit, dayLabel, previewText, reactionCounts, tickOf } from "./messageText.ts";
import { ME, PEER, chat, message } from "./testData.ts";

const image = { id: "f", kind: "image" as const, name: "cat.png", mime: "image/png", size: 1, width: 1, height: 1, url: "/a", thumbUrl: "/t" };

test("previews say Photo, File or deleted, and 'You:' for my own", () => {
  assert.equal(previewText(message(1), ME), "message 1");
  assert.equal(previewText(message(2), ME), "You: message 2");
  assert.equal(previewText(message(1, 1, { text: "", attachments: [image] }), ME), "Photo");
  assert.equal(previewText(message(1, 1, { text: "", attachments: [{ ...image, kind: "file", name: "a.pdf" }] }), ME), "File: a.pdf");
  assert.equal(previewText(message(1, 1, { text: null, deletedAt: 5 }), ME), "This message was deleted");
  assert.equal(previewText(message(2, 2, { text: null, deletedAt: 5 }), ME), "You deleted this message");
});

test("ticks follow the peer's watermarks", () => {
  const c = chat([message(4)], { theirs: { deliveredSeq: 3, seenSeq: 2 } });
  assert.deepEqual(
    [1, 2, 3, 4].map((seq) => tickOf(c, { seq })),
    ["seen", "seen", "delivered", "sent"],
  );
});

test("only my own, live messages can be edited (in the window) or deleted", () => {
  const mine = message(2, 2, { createdAt: 0 });
  assert.equal(canEdit(mine, ME, 60_000), true);
  assert.equal(canEdit(mine, ME, 16 * 60_000), false);
  assert.equal(canEdit(message(1), ME, 0), false);
  assert.equal(canDelete(mine, ME, 47 * 3600_000), true);
  assert.equal(canDelete({ ...mine, deletedAt: 1 }, ME, 1), false);
});

test("reactions are counted per emoji", () => {
  const m = message(1, 1, {
    reactions: [
      { userId: PEER, emoji: "👍", at: 1 },
      { userId: ME, emoji: "👍", at: 2 },
      { userId: "x", emoji: "❤️", at: 3 },
    ],
  });
  assert.deepEqual(reactionCounts(m, ME), [
    { emoji: "👍", count: 2, mine: true },
    { emoji: "❤️", count: 1, mine: false },
  ]);
});

test("date separators say Today and Yesterday", () => {
  const now = new Date(2025, 5, 10, 12).getTime();
  assert.equal(dayLabel(now - 3600_000, now), "Today");
  assert.equal(dayLabel(now - 24 * 3600_000, now), "Yesterday");
  assert.match(dayLabel(new Date(2024, 0, 2).getTime(), now, "en-GB"), /2 January 2024/);
});
