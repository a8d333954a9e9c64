import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStorage } from "../../api/storage.ts";
import { addItem, failItem, loadOutbox, outboxKey, pendingIn, replyPreview, retryItem, saveOutbox, sendFrame, toSend, type OutboxItem } from "./outbox.ts";
import { CHAT, ME, message } from "./testData.ts";

const item = (clientId: string, createdAt: number, patch: Partial<OutboxItem> = {}): OutboxItem => ({
  clientId,
  chatId: CHAT,
  text: clientId,
  replyTo: null,
  attachments: [],
  createdAt,
  status: "pending",
  ...patch,
});

test("items go out in the order they were typed; failed ones wait for a retry", () => {
  let outbox = addItem(addItem(addItem([], item("b", 2)), item("a", 1)), item("c", 3));
  outbox = failItem(outbox, "b", "RATE_LIMITED");
  assert.deepEqual(
    toSend(outbox).map((i) => i.clientId),
    ["a", "c"],
  );
  outbox = retryItem(outbox, "b");
  assert.deepEqual(
    toSend(outbox).map((i) => i.clientId),
    ["a", "b", "c"],
  );
  assert.equal(outbox.find((i) => i.clientId === "b")?.error, undefined);
  assert.deepEqual(
    pendingIn(outbox, CHAT).map((i) => i.clientId),
    ["a", "b", "c"],
  );
  assert.deepEqual(pendingIn(outbox, "other"), []);
});

test("adding an id twice keeps one item", () => {
  assert.equal(addItem([item("a", 1)], item("a", 1)).length, 1);
});

test("the SEND frame carries the client id, the reply and the attachment ids", () => {
  const original = message(7);
  const frame = sendFrame(
    item("abc", 1, {
      replyTo: replyPreview(original),
      attachments: [{ id: "f1", kind: "image", name: "a.png", mime: "image/png", size: 3, width: 1, height: 1, url: "/u", thumbUrl: null }],
    }),
  );
  assert.deepEqual(frame, { type: "SEND", id: "abc", chatId: CHAT, text: "abc", replyToId: original.id, attachmentIds: ["f1"] });
  assert.deepEqual(sendFrame(item("x", 1)), { type: "SEND", id: "x", chatId: CHAT, text: "x" });
});

test("a group message's mentions go with it, and survive a retry", () => {
  const mentioning = item("m", 1, { text: "@Ada look", mentions: ["ada"] });
  assert.deepEqual(sendFrame(mentioning), { type: "SEND", id: "m", chatId: CHAT, text: "@Ada look", mentions: ["ada"] });
  const retried = retryItem(failItem([mentioning], "m", "RATE_LIMITED"), "m")[0];
  assert.deepEqual(retried?.mentions, ["ada"]);
});

test("stored per user and read back through the schema; anything unreadable counts as empty", () => {
  const storage = new MemoryStorage();
  saveOutbox(storage, ME, [item("a", 1)]);
  assert.deepEqual(loadOutbox(storage, ME), [item("a", 1)]);
  assert.deepEqual(loadOutbox(storage, "someone-else"), []);
  storage.setItem(outboxKey(ME), JSON.stringify([{ clientId: "no spaces allowed" }]));
  assert.deepEqual(loadOutbox(storage, ME), []);
});

test("a reply's preview of a deleted original has no text", () => {
  const preview = replyPreview(message(3, 4, { text: null, deletedAt: 5 }));
  assert.equal(preview.text, null);
  assert.equal(preview.deleted, true);
});
