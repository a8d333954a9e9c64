import { randomUUID } from "node:crypto";
import type { Db, UsersTable } from "../db/schema.ts";
import type { Identifier } from "../auth/identifiers.ts";

export function userById(db: Db, id: string): Promise<UsersTable | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export function userByIdentifier(db: Db, identifier: Identifier): Promise<UsersTable | undefined> {
  return db.selectFrom("users").selectAll().where(identifier.kind, "=", identifier.value).executeTakeFirst();
}

export function userByUsername(db: Db, username: string): Promise<UsersTable | undefined> {
  return db.selectFrom("users").selectAll().where("usernameKey", "=", username.toLowerCase()).executeTakeFirst();
}

/**
 * The user with this email/phone, created when there is none. Two first sign-ins racing
 * for one identifier both end with the same user: the loser's insert does nothing (it waits for
 * the winner's commit) and it reads the winner's row. Safe inside a transaction on PostgreSQL,
 * where a failed insert would abort the transaction.
 */
export async function findOrCreateUser(db: Db, identifier: Identifier, now: number): Promise<{ user: UsersTable; created: boolean }> {
  const existing = await userByIdentifier(db, identifier);
  if (existing) return { user: existing, created: false };
  const user: UsersTable = {
    id: randomUUID(),
    email: identifier.kind === "email" ? identifier.value : null,
    phone: identifier.kind === "phone" ? identifier.value : null,
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
  };
  const inserted = await db.insertInto("users").values(user).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  if (inserted.numInsertedOrUpdatedRows === 1n) return { user, created: true };
  const winner = await userByIdentifier(db, identifier);
  if (!winner) throw new Error(`user ${identifier.kind} conflicted but is not there`);
  return { user: winner, created: false };
}
