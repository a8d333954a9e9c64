import type { ChatRow } from "../chat/rows.ts";
import type { Sql } from "../chat/sql.ts";
import type { Db } from "../db/schema.ts";
import { AppError } from "../errors.ts";

/**
 * Every permission check between two users lives here. The rule: only connections see each
 * other's profile details and presence, and only they write to each other (members keep reading their chat); to anyone else a user is answered
 * exactly as a user who does not exist. A block ends the connection, so it ends all of that too.
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

/** Profile details and presence of `subjectId` for `viewerId`: connections only (chat's `ensureConnected` too). */
export async function assertConnected(db: Db, viewerId: string, subjectId: string): Promise<void> {
  if (!(await areConnected(db, viewerId, subjectId))) throw noSuchUser();
}

/** The users `userId` is connected with: who may see its presence. */
export async function connectionIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("connections")
    .select("userHigh as other")
    .where("userLow", "=", userId)
    .unionAll(db.selectFrom("connections").select("userLow as other").where("userHigh", "=", userId))
    .execute();
  return rows.map((r) => r.other);
}

// ---- Chat ------------------------------------------------------------------------
// A chat is visible to its two members only; to anyone else it is answered exactly as a chat
// that does not exist (CHAT_NOT_FOUND, or MESSAGE_NOT_FOUND for a message in it). Writing in it
// (send, edit, react, typing, uploading an attachment) also needs a current connection; a block ends the connection, so
// the blocked side sees CHAT_NOT_CONNECTED, as after any removal (ADR 0005).

export function chatNotFound(): AppError {
  return new AppError("CHAT_NOT_FOUND", "No such chat.");
}

export function messageNotFound(): AppError {
  return new AppError("MESSAGE_NOT_FOUND", "No such message.");
}

/** The other member of a chat. */
export function peerOf(chat: Pick<ChatRow, "user_low" | "user_high">, userId: string): string {
  return chat.user_low === userId ? chat.user_high : chat.user_low;
}

/** The chat if `userId` is a member, else CHAT_NOT_FOUND (the same as for no chat at all). */
export async function memberChat(q: Sql, userId: string, chatId: string): Promise<ChatRow> {
  const chat = await q.get<ChatRow>("select * from chats where id = ?", chatId);
  if (!chat || (chat.user_low !== userId && chat.user_high !== userId)) throw chatNotFound();
  return chat;
}

/** Only connections may write to each other. */
export async function ensureConnected(q: Sql, userId: string, peerId: string): Promise<void> {
  const { userLow, userHigh } = pairOf(userId, peerId);
  const row = await q.get("select 1 as one from connections where user_low = ? and user_high = ?", userLow, userHigh);
  if (!row) throw notConnected();
}

export function notConnected(): AppError {
  return new AppError("CHAT_NOT_CONNECTED", "Only connections can chat; you are not connected with this user.");
}

/**
 * For code outside chat (attachments): the chat's other member if `userId` is a member, else
 * CHAT_NOT_FOUND, answered the same as for a chat that does not exist.
 */
export async function chatMemberOf(db: Db, userId: string, chatId: string): Promise<{ chatId: string; peerId: string }> {
  const chat = await db.selectFrom("chats").select(["userLow", "userHigh"]).where("id", "=", chatId).executeTakeFirst();
  if (!chat || (chat.userLow !== userId && chat.userHigh !== userId)) throw chatNotFound();
  return { chatId, peerId: chat.userLow === userId ? chat.userHigh : chat.userLow };
}

/** For code outside chat (uploads): a member who may still write in the chat, like SEND (CHAT_NOT_FOUND, then CHAT_NOT_CONNECTED). */
export async function chatWriterOf(db: Db, userId: string, chatId: string): Promise<{ chatId: string; peerId: string }> {
  const member = await chatMemberOf(db, userId, chatId);
  if (!(await areConnected(db, userId, member.peerId))) throw notConnected();
  return member;
}
