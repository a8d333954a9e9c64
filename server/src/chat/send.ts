import { uuidv7, type Message, type MessageFrames, type SendFrame } from "@easyqr/protocol";
import type { z } from "zod";
import { messageNotFound, readableChat, writableChat } from "../access/chats.ts";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import { attachmentView } from "../attachments/view.ts";
import { messageById, replyPreview } from "./view.ts";
import type { AttachmentRow, LockedChat, MessageRow } from "./rows.ts";
import type { AttachmentLink, ChatStatements, ChatUpdate, ReplyTarget } from "./store/store.ts";
import type { Turn } from "./turns.ts";

export type SendInput = z.output<typeof SendFrame>;

/** One SEND waiting for its batch. `origin` is the socket it came on; `reply` runs after the commit. */
export type SendItem = { userId: string; frame: SendInput; origin?: object; reply: (outcome: SendReply) => void; forwarded?: boolean };

/** A stored message (`duplicate`: stored before, under the same client id), or why not. */
export type SendOutcome = { message: Message; peerId: string; duplicate: boolean } | { error: unknown };

/** What a SEND's socket hears after the commit: the message and its frames, serialised once (ACK and events share it). */
export type SendReply = { message: Message; frames: MessageFrames } | { error: unknown };

type Reads = {
  chats: Map<string, LockedChat>;
  stored: Map<string, MessageRow>;
  replies: Map<string, ReplyTarget>;
  attachments: Map<string, AttachmentRow>;
};

/** What the batch writes, gathered while each send is checked. */
type Writes = {
  rows: MessageRow[];
  links: AttachmentLink[];
  chats: Map<string, ChatUpdate>;
  /** Sends written in this batch by (sender, client id): a resend in the same batch answers the first. */
  fresh: Map<string, { message: Message; peerId: string }>;
  linked: Set<string>;
};

/**
 * Writes a batch of sends inside one transaction, with a fixed number of statements per batch:
 * everything the checks need is read first (the chats locked in id order, once the transaction
 * before this one in `turn` holds its own), each send is checked on its own in memory (a refused
 * one, an AppError, is answered alone), then the rows are written.
 */
export async function sendAll(q: ChatStatements, items: SendItem[], clock: Clock, turn: Pick<Turn, "mayLock" | "locked">): Promise<SendOutcome[]> {
  const reads = await readAll(q, items, turn);
  // Read under the chats' locks, so a chat's times never go back as its seq goes up.
  const now = clock.now();
  const writes: Writes = { rows: [], links: [], chats: new Map(), fresh: new Map(), linked: new Set() };
  const outcomes: SendOutcome[] = [];
  for (const item of items) {
    try {
      outcomes.push(await sendOne(q, item, now, reads, writes));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.push({ error });
    }
  }
  if (writes.rows.length > 0) {
    // The keys were read under the chats' locks; only a resend naming another chat, in a transaction
    // in flight beside this one, can race us. Then seq would have a gap: the batch fails and
    // sendBatch retries it one send at a time, when the resend finds the stored message.
    if ((await q.insertMessages(writes.rows)) !== writes.rows.length) throw new Error("a message of the batch was stored meanwhile");
    await q.linkAttachments(writes.links);
    await q.updateChats(now, [...writes.chats.values()]);
  }
  return outcomes;
}

async function readAll(q: ChatStatements, items: SendItem[], turn: Pick<Turn, "mayLock" | "locked">): Promise<Reads> {
  const chatIds = [...new Set(items.map((i) => i.frame.chatId))].sort();
  await turn.mayLock;
  const locked = await q.lockChats(chatIds).finally(turn.locked);
  const chats = new Map(locked.map((c) => [c.id, c]));
  const stored = new Map((await q.earlier(items.map((i) => ({ senderId: i.userId, clientId: i.frame.id })))).map((m) => [keyOf(m.senderId, m.clientId), m]));
  const replyIds = [...new Set(items.flatMap((i) => (i.frame.replyToId === undefined ? [] : [i.frame.replyToId])))];
  const attachmentIds = [...new Set(items.flatMap((i) => i.frame.attachmentIds ?? []))];
  const replies = new Map((await q.replyTargets(replyIds)).map((m) => [m.id, m]));
  const attachments = new Map((await q.attachments(attachmentIds)).map((a) => [a.id, a]));
  return { chats, stored, replies, attachments };
}

async function sendOne(q: ChatStatements, { userId, frame, forwarded }: SendItem, now: number, reads: Reads, writes: Writes): Promise<SendOutcome> {
  // A resend (lost ack, another socket, after a reconnect) answers the message stored the first time.
  const key = keyOf(userId, frame.id);
  const earlier = reads.stored.get(key);
  if (earlier) {
    const { peerId } = readableChat(reads.chats.get(earlier.chatId) ?? (await q.chat(earlier.chatId)), userId);
    const message = await messageById(q, earlier.id);
    if (!message) throw new Error(`message ${earlier.id} vanished inside its transaction`);
    return { message, peerId, duplicate: true };
  }
  const same = writes.fresh.get(key);
  if (same) return { ...same, duplicate: true };

  const { chat, peerId } = writableChat(reads.chats.get(frame.chatId), userId);

  let replyTo: Message["replyTo"] = null;
  if (frame.replyToId !== undefined) {
    const original = reads.replies.get(frame.replyToId);
    if (!original || original.chatId !== chat.id) throw messageNotFound();
    replyTo = replyPreview(original, original.kind);
  }

  const attachments: AttachmentRow[] = [];
  for (const id of frame.attachmentIds ?? []) {
    const row = reads.attachments.get(id);
    const usable =
      row && row.chatId === chat.id && row.uploaderId === userId && row.messageId === null && !writes.linked.has(id) && !attachments.some((a) => a.id === id);
    if (!usable) throw new AppError("ATTACHMENT_NOT_FOUND", "An attachment is missing or already sent; upload it again.", { attachmentId: id });
    attachments.push(row);
  }

  // Checks are done: from here on only what the batch will write.
  const id = uuidv7(now);
  let counters = writes.chats.get(chat.id);
  if (!counters) {
    counters = { id: chat.id, lastSeq: chat.lastSeq, rev: chat.rev, lastMessageId: id, userLow: chat.userLow, lowUnread: 0, highUnread: 0 };
    writes.chats.set(chat.id, counters);
  }
  counters.lastSeq += 1;
  counters.rev += 1;
  counters.lastMessageId = id;
  if (userId === chat.userLow) counters.highUnread += 1;
  else counters.lowUnread += 1;
  const row: MessageRow = {
    id,
    chatId: chat.id,
    seq: counters.lastSeq,
    rev: counters.rev,
    senderId: userId,
    clientId: frame.id,
    text: frame.text,
    replyToId: frame.replyToId ?? null,
    createdAt: now,
    editedAt: null,
    deletedAt: null,
    changedAt: null,
    forwarded: forwarded ? 1 : 0,
  };
  writes.rows.push(row);
  for (const [position, attachment] of attachments.entries()) {
    writes.links.push({ id: attachment.id, messageId: id, position });
    writes.linked.add(attachment.id);
  }
  const message: Message = {
    id,
    chatId: chat.id,
    seq: row.seq,
    rev: row.rev,
    senderId: userId,
    clientId: frame.id,
    text: row.text,
    replyTo,
    attachments: attachments.map((a) => attachmentView(a)),
    reactions: [],
    createdAt: now,
    editedAt: null,
    deletedAt: null,
    forwarded: forwarded === true,
    system: null,
    mentions: [],
  };
  writes.fresh.set(key, { message, peerId });
  return { message, peerId, duplicate: false };
}

function keyOf(senderId: string, clientId: string): string {
  return `${senderId} ${clientId}`;
}
