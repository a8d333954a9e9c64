import { Attachment, ClientId, ErrorCode, ReplyPreview } from "@easyqr/protocol";
import type { ClientFrame, Message } from "@easyqr/protocol";
import * as z from "zod/mini";
import { readJson, writeJson } from "../../api/storage.ts";

/**
 * A message typed here and not yet acknowledged. It keeps its client id from the first try to
 * the last, so a resend after a lost ack (or a reload) never makes a second message: the server
 * answers a known id with the message it already stored.
 */
export const OutboxItem = z.object({
  clientId: ClientId,
  chatId: z.string(),
  text: z.string(),
  replyTo: z.nullable(ReplyPreview),
  attachments: z.array(Attachment),
  /** Groups: the members it mentions. */
  mentions: z.optional(z.array(z.string())),
  createdAt: z.number(),
  /** pending: goes out whenever the socket is up; failed: the server refused it (retry or cancel). */
  status: z.enum(["pending", "failed"]),
  error: z.optional(ErrorCode),
});
export type OutboxItem = z.infer<typeof OutboxItem>;
export type Outbox = readonly OutboxItem[];

const Stored = z.array(OutboxItem);
export const outboxKey = (userId: string) => `easyqr.outbox.${userId}`;

export function loadOutbox(storage: Storage, userId: string): OutboxItem[] {
  return readJson(storage, outboxKey(userId), Stored) ?? [];
}

export function saveOutbox(storage: Storage, userId: string, outbox: Outbox): void {
  writeJson(storage, outboxKey(userId), outbox);
}

/** Where one user's outbox is kept across reloads: read once at start, written on every change. */
export type OutboxStore = { load(): OutboxItem[]; save(outbox: Outbox): void };

/** The outbox in Web Storage (tests; the app keeps it in IndexedDB, features/offline). */
export function storageOutbox(storage: Storage, userId: string): OutboxStore {
  return { load: () => loadOutbox(storage, userId), save: (outbox) => saveOutbox(storage, userId, outbox) };
}

/** What a reply shows of its original while it waits (the server sends its own once stored). */
export function replyPreview(message: Message): ReplyPreview {
  return {
    id: message.id,
    seq: message.seq,
    senderId: message.senderId,
    text: message.deletedAt === null ? (message.text ?? "").slice(0, 200) : null,
    attachment: message.attachments[0]?.kind ?? null,
    deleted: message.deletedAt !== null,
  };
}

export function addItem(outbox: Outbox, item: OutboxItem): OutboxItem[] {
  return [...outbox.filter((i) => i.clientId !== item.clientId), item];
}

/** The ack came with the stored message: the pending copy goes (the message takes its place). */
export function removeItem(outbox: Outbox, clientId: string): OutboxItem[] {
  return outbox.filter((i) => i.clientId !== clientId);
}

/** The server refused it: it stays, marked, until the user retries or cancels. */
export function failItem(outbox: Outbox, clientId: string, error: ErrorCode): OutboxItem[] {
  return outbox.map((i) => (i.clientId === clientId ? { ...i, status: "failed" as const, error } : i));
}

export function retryItem(outbox: Outbox, clientId: string): OutboxItem[] {
  return outbox.map((i) =>
    i.clientId === clientId
      ? {
          clientId: i.clientId,
          chatId: i.chatId,
          text: i.text,
          replyTo: i.replyTo,
          attachments: i.attachments,
          ...(i.mentions?.length ? { mentions: i.mentions } : {}),
          createdAt: i.createdAt,
          status: "pending" as const,
        }
      : i,
  );
}

/** The pending items, oldest first: the order they were typed is the order they are sent. */
export function toSend(outbox: Outbox): OutboxItem[] {
  return outbox.filter((i) => i.status === "pending").sort((a, b) => a.createdAt - b.createdAt);
}

export function sendFrame(item: OutboxItem): Extract<ClientFrame, { type: "SEND" }> {
  return {
    type: "SEND",
    id: item.clientId,
    chatId: item.chatId,
    text: item.text,
    ...(item.replyTo ? { replyToId: item.replyTo.id } : {}),
    ...(item.attachments.length ? { attachmentIds: item.attachments.map((a) => a.id) } : {}),
    ...(item.mentions?.length ? { mentions: item.mentions } : {}),
  };
}

/** The outbox items of one chat, in order, for the chat window. */
export function pendingIn(outbox: Outbox, chatId: string): OutboxItem[] {
  return outbox.filter((i) => i.chatId === chatId).sort((a, b) => a.createdAt - b.createdAt);
}
