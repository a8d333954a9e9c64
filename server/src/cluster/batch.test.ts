import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeFrame } from "@easyqr/protocol";
import { BatchBuilder, decodeBatch, encodeBatch } from "./batch.ts";

test("a batch keeps its deliveries in order, each frame once, a group's members in one record", () => {
  const builder = new BatchBuilder();
  const group = encodeFrame({ type: "TYPING", chatId: "c1", userId: "u0", typing: true, until: 1 });
  const other = encodeFrame({ type: "BLOCK_REMOVED", userId: "ünï\ncode 😀\u2028" });
  for (const userId of ["u1", "u2", "u3"]) builder.toUser(userId, group, true);
  builder.add({ kind: "drop", sessionIds: ["s1"] });
  builder.toUser("u4", other, false);
  builder.toUser("u1", group, true);
  const batch = builder.take("node-1");
  assert.ok(builder.empty, "taking empties the builder");
  assert.equal(batch.frames.length, 2, "the group frame once");
  assert.deepEqual(batch.deliveries, [
    { kind: "users", frame: 0, droppable: true, userIds: ["u1", "u2", "u3"] },
    { kind: "drop", sessionIds: ["s1"] },
    { kind: "users", frame: 1, droppable: false, userIds: ["u4"] },
    { kind: "users", frame: 0, droppable: true, userIds: ["u1"] },
  ]);
  const decoded = decodeBatch(encodeBatch(batch));
  assert.deepEqual(decoded, batch);
  assert.deepEqual(JSON.parse(decoded.frames[1]?.encoded ?? ""), { type: "BLOCK_REMOVED", userId: "ünï\ncode 😀\u2028" });
});

test("a malformed batch is refused, not half read", () => {
  for (const text of ["", "no header", "{}\n", '{"n":"x","d":[],"f":[5]}\nabc', '{"n":"x","d":[],"f":[-1]}\n', "{bad json\n"]) {
    assert.throws(() => decodeBatch(text), Error, `refused: ${JSON.stringify(text)}`);
  }
});
