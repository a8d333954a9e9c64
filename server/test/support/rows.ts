import { randomUUID } from "node:crypto";
import type { UsersTable } from "../../src/db/schema.ts";

/** A users row for tests that write to the database directly; `fields` override the plain defaults. */
export function userRow(fields: Partial<UsersTable> = {}, now = Date.now()): UsersTable {
  const id = fields.id ?? randomUUID();
  return {
    id,
    email: `${id}@test.invalid`,
    phone: null,
    username: null,
    usernameKey: null,
    name: "N",
    bio: null,
    bioVisibility: "connections",
    avatarId: null,
    createdAt: now,
    updatedAt: now,
    lastSeenAt: null,
    lastSeenHiddenAt: null,
    ...fields,
  };
}
