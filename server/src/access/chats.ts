import type { Db } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { areConnected } from "./checks.ts";

/**
 * The chat rule. A 1-1 chat is visible to its two members only; a group to the people who are or
 * were in it (ADR 0008). To anyone else a chat is answered exactly as one that does not exist
 * (CHAT_NOT_FOUND, or MESSAGE_NOT_FOUND for a message in it).
 * Writing in a 1-1 chat (send, edit, react, typing, uploading an attachment) also needs a current
 * connection; a block ends the connection, so the blocked side sees CHAT_NOT_CONNECTED, as after
 * any removal (ADR 0005). Writing in a group needs a current membership (a former member gets
 * GROUP_NOT_MEMBER), and sending, when only admins may send, an admin's role (NOT_GROUP_ADMIN).
 * Every chat path applies these functions, the send batch included: the facts they need (the
 * chat's members, whether they are connected, the person's role in a group) come with the rows
 * that path reads anyway.
 */

/** A chat as the rule sees it: a 1-1 chat's two members (in the order the `chats` table keys them on) and whether they are connected. */
export type ChatStanding = {
  readonly kind: "direct" | "group";
  readonly userLow: string | null;
  readonly userHigh: string | null;
  readonly connected: boolean;
  readonly onlyAdminsSend?: boolean;
};
export type ChatMembers = Pick<ChatStanding, "kind" | "userLow" | "userHigh">;
/** A person's place in a group: `role` null once they left or were removed; undefined when they never were in it. */
export type GroupStanding = { readonly role: "member" | "admin" | null } | undefined;

export function chatNotFound(): AppError {
  return new AppError("CHAT_NOT_FOUND", "No such chat.");
}

export function messageNotFound(): AppError {
  return new AppError("MESSAGE_NOT_FOUND", "No such message.");
}

export function notConnected(): AppError {
  return new AppError("CHAT_NOT_CONNECTED", "Only connections can chat; you are not connected with this user.");
}

export function notMember(): AppError {
  return new AppError("GROUP_NOT_MEMBER", "You are no longer a member of this group.");
}

export function notAdmin(): AppError {
  return new AppError("NOT_GROUP_ADMIN", "Only the group's admins can do that.");
}

/** The other member of a 1-1 chat; undefined for a group. */
export function peerOf(chat: ChatMembers, userId: string): string | undefined {
  if (chat.kind === "group") return undefined;
  return chat.userLow === userId ? (chat.userHigh ?? undefined) : (chat.userLow ?? undefined);
}

/**
 * Reading a chat (history, receipts): the chat and, for a 1-1 chat, its other member, if `userId`
 * is (a group: or was) a member; else `notFound` (CHAT_NOT_FOUND; MESSAGE_NOT_FOUND when the chat
 * was reached through a message), the same answer as for no chat at all. A group needs `member`,
 * the person's standing in it.
 */
export function readableChat<T extends ChatMembers>(
  chat: T | undefined,
  userId: string,
  notFound: () => AppError = chatNotFound,
  member?: GroupStanding,
): { chat: T; peerId: string | undefined } {
  if (!chat) throw notFound();
  if (chat.kind === "group") {
    if (!member) throw notFound();
    return { chat, peerId: undefined };
  }
  if (chat.userLow !== userId && chat.userHigh !== userId) throw notFound();
  return { chat, peerId: peerOf(chat, userId) };
}

/** Writing in a chat: a member (else as `readableChat`) still connected with the other (else CHAT_NOT_CONNECTED); in a group, a current member (else GROUP_NOT_MEMBER). */
export function writableChat<T extends ChatStanding>(
  chat: T | undefined,
  userId: string,
  notFound: () => AppError = chatNotFound,
  member?: GroupStanding,
): { chat: T; peerId: string | undefined } {
  const readable = readableChat(chat, userId, notFound, member);
  if (readable.chat.kind === "group") {
    if (!member?.role) throw notMember();
  } else if (!readable.chat.connected) throw notConnected();
  return readable;
}

/** Sending a new message: writing, and in a group where only admins send, an admin. */
export function sendableChat<T extends ChatStanding>(chat: T | undefined, userId: string, member?: GroupStanding): { chat: T; peerId: string | undefined } {
  const writable = writableChat(chat, userId, chatNotFound, member);
  if (writable.chat.kind === "group" && writable.chat.onlyAdminsSend && member?.role !== "admin") throw notAdmin();
  return writable;
}

/** Starting a chat with `peerId`: only connections (a former connection's chat stays readable). */
export function mayStartChat(userId: string, peerId: string, connected: boolean): void {
  if (userId === peerId) throw new AppError("CHAT_NOT_CONNECTED", "You cannot chat with yourself.");
  if (!connected) throw notConnected();
}

async function groupStandingOf(db: Db, chatId: string, userId: string): Promise<GroupStanding> {
  const row = await db.selectFrom("chatMembers").select("role").where("chatId", "=", chatId).where("userId", "=", userId).executeTakeFirst();
  return row ? { role: row.role } : undefined;
}

/**
 * For code outside chat (attachments): a member's access over the query builder. A group's
 * attachments are for its current members (a former member: GROUP_NOT_MEMBER, ADR 0008).
 */
export async function chatReaderOf(db: Db, userId: string, chatId: string, notFound: () => AppError = chatNotFound): Promise<{ chatId: string }> {
  const chat = await db.selectFrom("chats").select(["kind", "userLow", "userHigh"]).where("id", "=", chatId).executeTakeFirst();
  if (chat?.kind === "group") {
    const member = await groupStandingOf(db, chatId, userId);
    readableChat(chat, userId, notFound, member);
    if (!member?.role) throw notMember();
    return { chatId };
  }
  readableChat(chat, userId, notFound);
  return { chatId };
}

/** For code outside chat (uploads): a member who may still write in the chat, like SEND (CHAT_NOT_FOUND, then CHAT_NOT_CONNECTED or GROUP_NOT_MEMBER). */
export async function chatWriterOf(db: Db, userId: string, chatId: string): Promise<{ chatId: string }> {
  const chat = await db.selectFrom("chats").select(["kind", "userLow", "userHigh"]).where("id", "=", chatId).executeTakeFirst();
  if (chat?.kind === "group") {
    writableChat({ ...chat, connected: false }, userId, chatNotFound, await groupStandingOf(db, chatId, userId));
    return { chatId };
  }
  const { peerId } = readableChat(chat, userId);
  if (!peerId || !(await areConnected(db, userId, peerId))) throw notConnected();
  return { chatId };
}
