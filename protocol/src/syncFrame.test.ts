import assert from "node:assert/strict";
import { test } from "node:test";
import { SYNC_MAX_CHATS, SyncFrame } from "./chat.ts";
import { jsonShapeProblem } from "./json.ts";
import { MAX_FRAME_BYTES } from "./socket.ts";

test("a SYNC naming the most chats, each with a large rev and receipts mark, fits in one frame and passes the shape limits", () => {
  const chats = Array.from({ length: SYNC_MAX_CHATS }, (_, i) => ({
    chatId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    rev: 2_000_000_000,
    receipts: 8_000_000_000,
  }));
  const frame = { type: "SYNC", id: "01939a4e-0000-7000-8000-000000000000", chats };
  assert.equal(SyncFrame.safeParse(frame).success, true);
  const bytes = Buffer.from(JSON.stringify(frame));
  assert.ok(bytes.length < MAX_FRAME_BYTES, `${bytes.length} bytes`);
  assert.equal(jsonShapeProblem(bytes), null);
});
