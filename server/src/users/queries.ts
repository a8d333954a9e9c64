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
