import assert from "node:assert/strict";
import { test } from "node:test";
import type { Attachment } from "@easyqr/protocol";
import { chatWith, sharedPhotos } from "./sharedPhotos.ts";
import { chat, message, PEER } from "./testData.ts";
import { emptyChats, withChats } from "./chatState.ts";

const attachment = (id: string, kind: Attachment["kind"]): Attachment => ({
  id,
  kind,
  name: `${id}.png`,
  mime: kind === "image" ? "image/png" : "application/pdf",
  size: 10,
  width: kind === "image" ? 10 : null,
  height: kind === "image" ? 10 : null,
  url: `/a/${id}`,
  thumbUrl: null,
});

test("shared photos: images only, newest first, none of a deleted message, at most `max`", () => {
  const messages = [
    message(1, 1, { attachments: [attachment("a", "image"), attachment("b", "image")] }),
    message(2, 2, { attachments: [attachment("doc", "file")] }),
    message(3, 3, { attachments: [attachment("gone", "image")], deletedAt: 5 }),
    message(4, 4, { attachments: [attachment("c", "image")] }),
  ];
  assert.deepEqual(
    sharedPhotos(messages).map((a) => a.id),
    ["c", "a", "b"],
  );
  assert.deepEqual(
    sharedPhotos(messages, 2).map((a) => a.id),
    ["c", "a"],
  );
  assert.deepEqual(sharedPhotos([]), []);
});

test("the chat with a person is found by its peer", () => {
  const state = withChats(emptyChats("me"), [chat([message(1)])]);
  assert.equal(chatWith(state, PEER), chat([]).id);
  assert.equal(chatWith(state, "someone else"), undefined);
  assert.equal(chatWith(undefined, PEER), undefined);
});
