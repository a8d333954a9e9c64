import type { Relation } from "@easyqr/protocol";
import { areConnected, hasBlocked, pairOf } from "../access/checks.ts";
import type { ContactQrTokensTable, ContactRequestsTable, Db, UsersTable } from "../db/schema.ts";
import type { RequestRow } from "./view.ts";

/** Reads of the contacts tables; every change goes through ContactsService. */

export type ConnectedUser = { user: UsersTable; since: number };

export function tokenByHash(db: Db, tokenHash: string): Promise<ContactQrTokensTable | undefined> {
  return db.selectFrom("contactQrTokens").selectAll().where("tokenHash", "=", tokenHash).executeTakeFirst();
}

/** The pending request between two users, either way (expired or not). */
export function requestOfPair(db: Db, a: string, b: string): Promise<ContactRequestsTable | undefined> {
  const { userLow, userHigh } = pairOf(a, b);
  return db.selectFrom("contactRequests").selectAll().where("userLow", "=", userLow).where("userHigh", "=", userHigh).executeTakeFirst();
}

const userColumns = [
  "id",
  "email",
  "phone",
  "username",
  "usernameKey",
  "name",
  "bio",
  "bioVisibility",
  "avatarId",
  "createdAt",
  "updatedAt",
  "lastSeenAt",
  "lastSeenHiddenAt",
] as const;

/** Everyone `userId` is connected with, and since when. */
export async function connectedUsers(db: Db, userId: string): Promise<ConnectedUser[]> {
  const rows = await db
    .selectFrom("connections")
    .innerJoin("users", "users.id", "connections.userHigh")
    .select(userColumns.map((c) => `users.${c}` as const))
    .select("connections.createdAt as since")
    .where("connections.userLow", "=", userId)
    .unionAll(
      db
        .selectFrom("connections")
        .innerJoin("users", "users.id", "connections.userLow")
        .select(userColumns.map((c) => `users.${c}` as const))
        .select("connections.createdAt as since")
        .where("connections.userHigh", "=", userId),
    )
    .execute();
  return rows.map(({ since, ...user }) => ({ user, since }));
}

export async function connectedUser(db: Db, userId: string, otherId: string): Promise<ConnectedUser | undefined> {
  const { userLow, userHigh } = pairOf(userId, otherId);
  const row = await db
    .selectFrom("connections")
    .innerJoin("users", "users.id", userId === userLow ? "connections.userHigh" : "connections.userLow")
    .select(userColumns.map((c) => `users.${c}` as const))
    .select("connections.createdAt as since")
    .where("connections.userLow", "=", userLow)
    .where("connections.userHigh", "=", userHigh)
    .executeTakeFirst();
  if (!row) return undefined;
  const { since, ...user } = row;
  return { user, since };
}

export type PendingRequest = { request: RequestRow; other: UsersTable };

/** Live requests `userId` sent, and live ones sent to it that it may see (not hidden by a block). */
export async function pendingRequests(db: Db, userId: string, now: number): Promise<{ incoming: PendingRequest[]; outgoing: PendingRequest[] }> {
  const requestColumns = [
    "contactRequests.id as requestId",
    "contactRequests.fromUserId",
    "contactRequests.toUserId",
    "contactRequests.createdAt as requestedAt",
    "contactRequests.expiresAt as requestExpiresAt",
  ] as const;
  const incoming = await db
    .selectFrom("contactRequests")
    .innerJoin("users", "users.id", "contactRequests.fromUserId")
    .select(userColumns.map((c) => `users.${c}` as const))
    .select(requestColumns)
    .where("contactRequests.toUserId", "=", userId)
    .where("contactRequests.hiddenAt", "is", null)
    .where("contactRequests.expiresAt", ">", now)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("blocks")
            .select("blocks.createdAt")
            .where("blocks.blockerId", "=", userId)
            .whereRef("blocks.blockedId", "=", "contactRequests.fromUserId"),
        ),
      ),
    )
    .orderBy("contactRequests.createdAt", "desc")
    .execute();
  const outgoing = await db
    .selectFrom("contactRequests")
    .innerJoin("users", "users.id", "contactRequests.toUserId")
    .select(userColumns.map((c) => `users.${c}` as const))
    .select(requestColumns)
    .where("contactRequests.fromUserId", "=", userId)
    .where("contactRequests.expiresAt", ">", now)
    .orderBy("contactRequests.createdAt", "desc")
    .execute();
  const split = ({ requestId, fromUserId, toUserId, requestedAt, requestExpiresAt, ...other }: (typeof incoming)[number]): PendingRequest => ({
    request: { id: requestId, fromUserId, toUserId, createdAt: requestedAt, expiresAt: requestExpiresAt },
    other,
  });
  return { incoming: incoming.map(split), outgoing: outgoing.map(split) };
}

export async function blockedUsers(db: Db, userId: string): Promise<UsersTable[]> {
  return db
    .selectFrom("blocks")
    .innerJoin("users", "users.id", "blocks.blockedId")
    .select(userColumns.map((c) => `users.${c}` as const))
    .where("blocks.blockerId", "=", userId)
    .orderBy("blocks.createdAt", "desc")
    .execute();
}

/** How `userId` stands with `otherId`. A block by the other side is never visible: it reads as `none` (or `outgoing`). */
export async function relationOf(db: Db, userId: string, otherId: string, now: number): Promise<Relation> {
  if (await hasBlocked(db, userId, otherId)) return "blocked";
  if (await areConnected(db, userId, otherId)) return "connected";
  const request = await requestOfPair(db, userId, otherId);
  if (!request || request.expiresAt <= now) return "none";
  if (request.fromUserId === userId) return "outgoing";
  return request.hiddenAt === null ? "incoming" : "none";
}

/**
 * Who holds `userId`'s card without being a connection: the other side of a live request it may
 * see (a recipient who blocked `userId` never sees the request), and the other member of each chat.
 * Connections may be among them; callers tell those apart.
 */
export async function cardHoldersOf(db: Db, userId: string, now: number): Promise<string[]> {
  const rows = await db
    .selectFrom("contactRequests")
    .select("fromUserId as other")
    .where("toUserId", "=", userId)
    .where("expiresAt", ">", now)
    .unionAll(
      db.selectFrom("contactRequests").select("toUserId as other").where("fromUserId", "=", userId).where("hiddenAt", "is", null).where("expiresAt", ">", now),
    )
    .unionAll(
      db.selectFrom("chats").select("userHigh as other").where("userLow", "=", userId).where("userHigh", "is not", null).$narrowType<{ other: string }>(),
    )
    .unionAll(
      db.selectFrom("chats").select("userLow as other").where("userHigh", "=", userId).where("userLow", "is not", null).$narrowType<{ other: string }>(),
    )
    .execute();
  return [...new Set(rows.map((r) => r.other))];
}
