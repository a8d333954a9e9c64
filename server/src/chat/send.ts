import { randomUUID } from "node:crypto";
import type { Message, SendFrame } from "@easyqr/protocol";
import type { z } from "zod";
import { ensureConnected, memberChat, messageNotFound, peerOf } from "../access/checks.ts";
import { AppError } from "../errors.ts";
import { attachmentView, messageById, replyPreview } from "./queries.ts";
import type { AttachmentRow, ChatRow, MessageRow } from "./rows.ts";
import type { Sql } from "./sql.ts";

export type SendInput = z.output<typeof SendFrame>;

/** One SEND waiting for its batch. `origin` is the socket it came on; `reply` runs after the commit. */
export type SendItem = { userId: string; frame: SendInput; origin?: object; reply: (outcome: SendOutcome) => void };

/** A stored message (`duplicate`: stored before, under the same client id), or why not. */
export type SendOutcome = { message: Message; peerId: string; duplicate: boolean } | { error: unknown };

/**
 * Writes a batch of sends inside one transaction. Every check of a send reads before it writes,
 * so a refused send (an AppError) leaves nothing behind and the others go on.
 */
export async function sendAll(q: Sql, items: SendItem[], now: number): Promise<SendOutcome[]> {
  const chats = new Map<string, ChatRow>();
  const connected = new Set<string>();
  const outcomes: SendOutcome[] = [];
  for (const item of items) {
    try {
      outcomes.push(await sendOne(q, item, now, chats, connected));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.push({ error });
    }
  }
  return outcomes;
}

async function sendOne(q: Sql, { userId, frame }: SendItem, now: number, chats: Map<string, ChatRow>, connected: Set<string>): Promise<SendOutcome> {
  // A resend (lost ack, another socket, after a reconnect) answers the message stored the first time.
  const earlier = await q.get<MessageRow>("select * from messages where sender_id = ? and client_id = ?", userId, frame.id);
  if (earlier) {
    const chat = chats.get(earlier.chat_id) ?? (await memberChat(q, userId, earlier.chat_id));
    const message = await messageById(q, earlier.id);
    if (!message) throw new Error(`message ${earlier.id} vanished inside its transaction`);
    return { message, peerId: peerOf(chat, userId), duplicate: true };
  }

  let chat = chats.get(frame.chatId);
  if (!chat || (chat.user_low !== userId && chat.user_high !== userId)) chat = await memberChat(q, userId, frame.chatId);
  chats.set(chat.id, chat);
  const peerId = peerOf(chat, userId);
  if (!connected.has(chat.id)) {
    await ensureConnected(q, userId, peerId);
    connected.add(chat.id);
  }

  let replyTo: Message["replyTo"] = null;
  if (frame.replyToId !== undefined) {
    const original = await q.get<MessageRow>("select * from messages where id = ? and chat_id = ?", frame.replyToId, chat.id);
    if (!original) throw messageNotFound();
    const first = await q.get<{ kind: "image" | "file" }>("select kind from attachments where message_id = ? order by position limit 1", original.id);
    replyTo = replyPreview(original, first?.kind ?? null);
  }

  const attachmentIds = frame.attachmentIds ?? [];
  const attachments: AttachmentRow[] = [];
  for (const id of attachmentIds) {
    const row = await q.get<AttachmentRow>("select * from attachments where id = ?", id);
    const usable = row && row.chat_id === chat.id && row.uploader_id === userId && row.message_id === null && !attachments.some((a) => a.id === id);
    if (!usable) throw new AppError("ATTACHMENT_NOT_FOUND", "An attachment is missing or already sent; upload it again.", { attachmentId: id });
    attachments.push(row);
  }

  // Checks are done: from here on only writes.
  const id = randomUUID();
  const counters = await q.get<{ last_seq: number; rev: number }>(
    "update chats set last_seq = last_seq + 1, rev = rev + 1, last_message_id = ? where id = ? returning last_seq, rev",
    id,
    chat.id,
  );
  if (!counters) throw new Error(`chat ${chat.id} vanished inside its transaction`);
  const row: MessageRow = {
    id,
    chat_id: chat.id,
    seq: counters.last_seq,
    rev: counters.rev,
    sender_id: userId,
    client_id: frame.id,
    text: frame.text,
    reply_to_id: frame.replyToId ?? null,
    created_at: now,
    edited_at: null,
    deleted_at: null,
  };
  await q.run(
    "insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, reply_to_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    row.id,
    row.chat_id,
    row.seq,
    row.rev,
    row.sender_id,
    row.client_id,
    row.text,
    row.reply_to_id,
    row.created_at,
  );
  for (const [position, attachment] of attachments.entries()) {
    await q.run("update attachments set message_id = ?, position = ? where id = ?", id, position, attachment.id);
  }
  await q.run("update chat_members set activity_at = ?, unread = unread + (case when user_id = ? then 0 else 1 end) where chat_id = ?", now, userId, chat.id);
  const message: Message = {
    id,
    chatId: chat.id,
    seq: row.seq,
    rev: row.rev,
    senderId: userId,
    clientId: frame.id,
    text: row.text,
    replyTo,
    attachments: attachments.map((a, position) => attachmentView({ ...a, message_id: id, position })),
    reactions: [],
    createdAt: now,
    editedAt: null,
    deletedAt: null,
  };
  return { message, peerId, duplicate: false };
}
