import type { Db } from "../db/schema.ts";
import { AppError } from "../errors.ts";

/**
 * Every permission check between two users lives in this folder (chats: chats.ts; profile
 * cards: profiles.ts), and it imports no service: services import it. The rule: only
 * connections see each other's profile details and presence, and write to each other (members
 * keep reading their chat); to anyone else a user is answered exactly as a user who does not exist. A block ends the connection, so it ends all of
 * that too.
 */

/** The two users of a pair in the fixed order the `connections` and `contact_requests` tables key on. */
export function pairOf(a: string, b: string): { userLow: string; userHigh: string } {
  return a < b ? { userLow: a, userHigh: b } : { userLow: b, userHigh: a };
}

export async function areConnected(db: Db, a: string, b: string): Promise<boolean> {
  if (a === b) return false;
  const { userLow, userHigh } = pairOf(a, b);
  const row = await db.selectFrom("connections").select("createdAt").where("userLow", "=", userLow).where("userHigh", "=", userHigh).executeTakeFirst();
  return row !== undefined;
}

export async function hasBlocked(db: Db, blockerId: string, blockedId: string): Promise<boolean> {
  const row = await db.selectFrom("blocks").select("createdAt").where("blockerId", "=", blockerId).where("blockedId", "=", blockedId).executeTakeFirst();
  return row !== undefined;
}

/** The answer for a user one may not see: the same as for a user who does not exist. */
export function noSuchUser(): AppError {
  return new AppError("USER_NOT_FOUND", "No such user among your connections.");
}

/** Profile details and presence of `subjectId` for `viewerId`: connections only. */
export async function assertConnected(db: Db, viewerId: string, subjectId: string): Promise<void> {
  if (!(await areConnected(db, viewerId, subjectId))) throw noSuchUser();
}

/** The users `userId` is connected with (who may see its presence), as a subquery: `where("id", "in", connectedWith(db, userId))`. */
export function connectedWith(db: Db, userId: string) {
  return db
    .selectFrom("connections")
    .select("userHigh as other")
    .where("userLow", "=", userId)
    .unionAll(db.selectFrom("connections").select("userLow as other").where("userHigh", "=", userId));
}

/** The users `userId` is connected with: who may see its presence. */
export async function connectionIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await connectedWith(db, userId).execute();
  return rows.map((r) => r.other);
}
