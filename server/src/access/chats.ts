import type { Db } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { areConnected } from "./checks.ts";

/**
 * The chat rule. A chat is visible to its two members only; to anyone else it is answered exactly
 * as a chat that does not exist (CHAT_NOT_FOUND, or MESSAGE_NOT_FOUND for a message in it).
 * Writing in it (send, edit, react, typing, uploading an attachment) also needs a current
 * connection; a block ends the connection, so the blocked side sees CHAT_NOT_CONNECTED, as after
 * any removal (ADR 0005). Every chat path applies these functions, the send batch included: the
 * facts they need (the chat's members, whether they are connected) come with the chat row that
 * path reads anyway (on the send path, the chat lock's one prepared statement per batch).
 */

/** A chat as the rule sees it: its two members (in the order the `chats` table keys them on) and whether they are connected. */
export type ChatStanding = { readonly userLow: string; readonly userHigh: string; readonly connected: boolean };
export type ChatMembers = Pick<ChatStanding, "userLow" | "userHigh">;

export function chatNotFound(): AppError {
  return new AppError("CHAT_NOT_FOUND", "No such chat.");
}

export function messageNotFound(): AppError {
  return new AppError("MESSAGE_NOT_FOUND", "No such message.");
}

export function notConnected(): AppError {
  return new AppError("CHAT_NOT_CONNECTED", "Only connections can chat; you are not connected with this user.");
}

/** The other member of a chat. */
export function peerOf(chat: ChatMembers, userId: string): string {
  return chat.userLow === userId ? chat.userHigh : chat.userLow;
}

/**
 * Reading a chat (history, receipts): the chat and its other member if `userId` is a member; else
 * `notFound` (CHAT_NOT_FOUND; MESSAGE_NOT_FOUND when the chat was reached through a message), the
 * same answer as for no chat at all.
 */
export function readableChat<T extends ChatMembers>(chat: T | undefined, userId: string, notFound: () => AppError = chatNotFound): { chat: T; peerId: string } {
  if (!chat || (chat.userLow !== userId && chat.userHigh !== userId)) throw notFound();
  return { chat, peerId: peerOf(chat, userId) };
}

/** Writing in a chat: a member (else as `readableChat`) still connected with the other (else CHAT_NOT_CONNECTED). */
export function writableChat<T extends ChatStanding>(
  chat: T | undefined,
  userId: string,
  notFound: () => AppError = chatNotFound,
): { chat: T; peerId: string } {
  const readable = readableChat(chat, userId, notFound);
  if (!readable.chat.connected) throw notConnected();
  return readable;
}

/** Starting a chat with `peerId`: only connections (a former connection's chat stays readable). */
export function mayStartChat(userId: string, peerId: string, connected: boolean): void {
  if (userId === peerId) throw new AppError("CHAT_NOT_CONNECTED", "You cannot chat with yourself.");
  if (!connected) throw notConnected();
}

/** For code outside chat (attachments): `readableChat` over the query builder. */
export async function chatReaderOf(
  db: Db,
  userId: string,
  chatId: string,
  notFound: () => AppError = chatNotFound,
): Promise<{ chatId: string; peerId: string }> {
  const chat = await db.selectFrom("chats").select(["userLow", "userHigh"]).where("id", "=", chatId).executeTakeFirst();
  return { chatId, peerId: readableChat(chat, userId, notFound).peerId };
}

/** For code outside chat (uploads): a member who may still write in the chat, like SEND (CHAT_NOT_FOUND, then CHAT_NOT_CONNECTED). */
export async function chatWriterOf(db: Db, userId: string, chatId: string): Promise<{ chatId: string; peerId: string }> {
  const member = await chatReaderOf(db, userId, chatId);
  if (!(await areConnected(db, userId, member.peerId))) throw notConnected();
  return member;
}
