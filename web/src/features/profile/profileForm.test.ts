import assert from "node:assert/strict";
import { test } from "node:test";
import type { Me } from "@easyqr/protocol";
import { draftOf, profileChanges, savePlan, savesNothing } from "./profileForm.ts";

const me: Me = {
  id: "u",
  name: "Ada",
  username: "ada",
  bio: null,
  avatar: null,
  email: "a@example.com",
  phone: null,
  createdAt: 1,
  onboarded: true,
  hideLastSeen: false,
  bioVisibility: "connections",
};
const fresh: Me = { ...me, name: null, username: null, onboarded: false };

test("only changed fields are sent, in the protocol's form", () => {
  assert.deepEqual(profileChanges(me, draftOf(me)), { ok: true, changes: {} });
  assert.deepEqual(profileChanges(me, { name: " Ada L. ", username: "Ada_L", bio: "" }), { ok: true, changes: { name: "Ada L.", username: "ada_l" } });
  assert.deepEqual(profileChanges(me, { ...draftOf(me), bio: "  hi " }), { ok: true, changes: { bio: "hi" } });
  assert.deepEqual(profileChanges({ ...me, bio: "hi" }, { ...draftOf(me), bio: " " }), { ok: true, changes: { bio: null } }, "an emptied bio clears it");
});

test("onboarding needs a name and a username", () => {
  const result = profileChanges(fresh, draftOf(fresh));
  assert.equal(result.ok, false);
  assert.deepEqual(!result.ok && result.errors, { name: "Enter your name.", username: "Choose a username." });
  assert.deepEqual(profileChanges(fresh, { name: "Ada", username: "ada", bio: "" }), { ok: true, changes: { name: "Ada", username: "ada" } });
});

test("limits come from the protocol: name 64, username rules, bio 140", () => {
  const result = profileChanges(me, { name: "x".repeat(65), username: "a b", bio: "y".repeat(141) });
  assert.equal(result.ok, false);
  assert.deepEqual(Object.keys(!result.ok ? result.errors : {}).sort(), ["bio", "name", "username"]);
});

test("one save for the whole profile: the changed fields and the photo together, nothing when neither changed", () => {
  const file = { name: "me.png" } as File;
  assert.deepEqual(savePlan({ name: "Ada King" }, { kind: "new", file, preview: "blob:x" }), { fields: { name: "Ada King" }, photo: "new" });
  assert.deepEqual(savePlan({}, { kind: "remove" }), { fields: null, photo: "remove" });
  assert.equal(savesNothing(savePlan({}, { kind: "keep" })), true);
  assert.equal(savesNothing(savePlan({ bio: null }, { kind: "keep" })), false);
  assert.equal(savesNothing(savePlan({}, { kind: "new", file, preview: "blob:x" })), false);
});
