import { randomUUID } from "node:crypto";
import type { UsersTable } from "../db/schema.ts";

/**
 * A new user's row as the first sign-in makes it: nothing chosen yet (name, username, bio, avatar),
 * the bio for connections only. `fields` sets the rest: the email or phone it signed in with, or
 * what a test writes directly.
 */
export function newUserRow(fields: Partial<UsersTable>, now: number): UsersTable {
  return {
    id: randomUUID(),
    email: null,
    phone: null,
    username: null,
    usernameKey: null,
    name: null,
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
