import { uuidv7, type Message, type MessageFrames, type SendFrame } from "@easyqr/protocol";
import type { z } from "zod";
import { chatNotFound, messageNotFound, readableChat, sendableChat } from "../access/chats.ts";
import type { Clock } from "../clock.ts";
import { revMovedAt } from "../fanout.ts";
import { AppError } from "../errors.ts";
import { attachmentView } from "../attachments/view.ts";
import { messageById, replyPreview } from "./view.ts";
import type { AttachmentRow, GroupMemberRow, LockedChat, MessageRow } from "./rows.ts";
import type { AttachmentLink, ChatStatements, ChatUpdate, ReplyTarget } from "./store/store.ts";
import type { Turn } from "./turns.ts";

export type SendInput = z.output<typeof SendFrame>;

/** One SEND waiting for its batch. `origin` is the socket it came on; `reply` runs after the commit. */
export type SendItem = { userId: string; frame: SendInput; origin?: object; reply: (outcome: SendReply) => void; forwarded?: boolean };

/**
 * A stored message (`duplicate`: stored before, under the same client id), or why not. `audience`:
 * who else hears it (the peer; a group's other current members, read in the send's transaction).
 * `prevAt`: when the chat's rev before this message's moved (ChangeOrder; 0 for a duplicate).
 */
export type SendOutcome = { message: Message; audience: string[]; duplicate: boolean; prevAt: number } | { error: unknown };
/** A group whose lowest watermarks moved with the batch (a sender had held them back): its members hear GROUP_RECEIPT. */
export type GroupTicks = { chatId: string; theirs: { deliveredSeq: number; seenSeq: number }; members: string[] };

/** What a SEND's socket hears after the commit: the message and its frames, serialised once (ACK and events share it); `duplicate` as in SendOutcome. */
export type SendReply = { message: Message; frames: MessageFrames; duplicate: boolean } | { error: unknown };

type Reads = {
  chats: Map<string, LockedChat>;
  /** Per group chat of the batch: everyone who is or was in it, by user id. */
  standings: Map<string, Map<string, GroupMemberRow>>;
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
  fresh: Map<string, { message: Message; audience: string[]; prevAt: number }>;
  linked: Set<string>;
  /** Group chats: their new counters (one chat row write each), and each sender's last message there (their own read mark). */
  groups: Map<string, { chatId: string; lastSeq: number; rev: number; revAt: number; lastMessageId: string; senders: Map<string, number> }>;
  /** When the batch moves its chats' revs (`revMovedAt`), and per chat when its rev last moved before the next message (its `prevAt`). */
  revAt: number;
  movedAt: Map<string, number>;
};

/**
 * Writes a batch of sends inside one transaction, with a fixed number of statements per batch:
 * everything the checks need is read first (the chats locked in id order, once the transaction
 * before this one in `turn` holds its own), each send is checked on its own in memory (a refused
 * one, an AppError, is answered alone), then the rows are written.
 */
export async function sendAll(
  q: ChatStatements,
  items: SendItem[],
  clock: Clock,
  turn: Pick<Turn, "mayLock" | "locked">,
): Promise<{ outcomes: SendOutcome[]; ticks: GroupTicks[] }> {
  const reads = await readAll(q, items, turn);
  // Read under the chats' locks, so a chat's times never go back as its seq goes up.
  const now = clock.now();
  const writes: Writes = {
    rows: [],
    links: [],
    chats: new Map(),
    fresh: new Map(),
    linked: new Set(),
    groups: new Map(),
    revAt: revMovedAt(),
    movedAt: new Map(),
  };
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
    // Not awaited: the store's write waits for them (on PostgreSQL they leave with the COMMIT, one
    // round trip) and fails if any failed. The keys were read under the chats' locks; only a resend
    // naming another chat, in a transaction in flight beside this one, can race us: then the insert
    // fails, and sendBatch retries the batch one send at a time, when the resend finds the stored message.
    void q.insertMessages(writes.rows);
    void q.linkAttachments(writes.links);
    if (writes.chats.size > 0) void q.updateChats(now, [...writes.chats.values()]);
  }
  const ticks: GroupTicks[] = [];
  for (const group of writes.groups.values()) {
    // ADR 0008 decision 2: a group message writes its row and the chat's; the sender's own read mark moves too.
    await q.setGroupCounters({ ...group, activityAt: now });
    for (const [senderId, seq] of group.senders) await q.markOwn(group.chatId, senderId, seq);
    const before = reads.chats.get(group.chatId);
    const theirs = await q.refreshMins(group.chatId);
    if (before && (theirs.seenSeq !== before.minSeenSeq || theirs.deliveredSeq !== before.minDeliveredSeq))
      ticks.push({ chatId: group.chatId, theirs, members: currentMembers(reads, group.chatId) });
  }
  return { outcomes, ticks };
}

function currentMembers(reads: Reads, chatId: string): string[] {
  return [...(reads.standings.get(chatId)?.values() ?? [])].filter((m) => m.role !== null).map((m) => m.userId);
}

function standingOf(reads: Reads, chatId: string, userId: string): GroupMemberRow | undefined {
  return reads.standings.get(chatId)?.get(userId);
}

/** Who besides the sender hears a message of `chat`: the peer, or a group's other current members. */
function audienceOf(reads: Reads, chat: LockedChat, userId: string, peerId: string | undefined): string[] {
  if (chat.kind === "group") return currentMembers(reads, chat.id).filter((id) => id !== userId);
  return peerId ? [peerId] : [];
}

async function readAll(q: ChatStatements, items: SendItem[], turn: Pick<Turn, "mayLock" | "locked">): Promise<Reads> {
  const chatIds = [...new Set(items.map((i) => i.frame.chatId))].sort();
  const replyIds = [...new Set(items.flatMap((i) => (i.frame.replyToId === undefined ? [] : [i.frame.replyToId])))];
  const attachmentIds = [...new Set(items.flatMap((i) => i.frame.attachmentIds ?? []))];
  await turn.mayLock;
  // Sent together (on PostgreSQL one round trip, pipelined) and run in this order: the reads after
  // the lock run once it is held, so they see every transaction that wrote these chats before.
  const [locked, earlier, replyRows, attachmentRows] = await Promise.all([
    q.lockChats(chatIds).finally(turn.locked),
    q.earlier(items.map((i) => ({ senderId: i.userId, clientId: i.frame.id }))),
    q.replyTargets(replyIds),
    q.attachments(attachmentIds),
  ]);
  const chats = new Map(locked.map((c) => [c.id, c]));
  const standings = new Map<string, Map<string, GroupMemberRow>>();
  const groupIds = locked.filter((c) => c.kind === "group").map((c) => c.id);
  if (groupIds.length > 0)
    for (const row of await q.standingsIn(groupIds)) {
      let ofChat = standings.get(row.chatId);
      if (!ofChat) standings.set(row.chatId, (ofChat = new Map<string, GroupMemberRow>()));
      ofChat.set(row.userId, row);
    }
  const stored = new Map(earlier.map((m) => [keyOf(m.senderId, m.clientId), m]));
  const replies = new Map(replyRows.map((m) => [m.id, m]));
  const attachments = new Map(attachmentRows.map((a) => [a.id, a]));
  return { chats, standings, stored, replies, attachments };
}

async function sendOne(q: ChatStatements, { userId, frame, forwarded }: SendItem, now: number, reads: Reads, writes: Writes): Promise<SendOutcome> {
  // A resend (lost ack, another socket, after a reconnect) answers the message stored the first time.
  const key = keyOf(userId, frame.id);
  const earlier = reads.stored.get(key);
  if (earlier) {
    const chat = reads.chats.get(earlier.chatId) ?? (await q.standing(earlier.chatId));
    const member = reads.standings.has(earlier.chatId) ? standingOf(reads, earlier.chatId, userId) : await q.memberStanding(earlier.chatId, userId);
    readableChat(chat, userId, chatNotFound, member);
    const message = await messageById(q, earlier.id);
    if (!message) throw new Error(`message ${earlier.id} vanished inside its transaction`);
    // A resend sends no events: nobody else needs to hear of it again.
    return { message, audience: [], duplicate: true, prevAt: 0 };
  }
  const same = writes.fresh.get(key);
  if (same) return { ...same, duplicate: true };

  const member = standingOf(reads, frame.chatId, userId);
  const { chat, peerId } = sendableChat(reads.chats.get(frame.chatId), userId, member);
  const group = chat.kind === "group";

  let replyTo: Message["replyTo"] = null;
  if (frame.replyToId !== undefined) {
    const original = reads.replies.get(frame.replyToId);
    // In a group only what the sender may see: a message of one of their stays is after their current one's start or it is not theirs to quote.
    if (!original || original.chatId !== chat.id || (group && original.seq <= (member?.fromSeq ?? 0)) || original.system !== null) throw messageNotFound();
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

  const audience = audienceOf(reads, chat, userId, peerId);
  const present = new Set(audience);
  const mentions = group ? [...new Set(frame.mentions ?? [])].filter((m) => present.has(m)) : [];

  // Checks are done: from here on only what the batch will write.
  const id = uuidv7(now);
  let counters: { lastSeq: number; rev: number; lastMessageId: string };
  if (group) {
    const groupCounts = groupCounters(writes, chat, id);
    groupCounts.senders.set(userId, groupCounts.lastSeq + 1);
    counters = groupCounts;
  } else {
    const direct = directCounters(writes, chat, id);
    if (userId === chat.userLow) direct.lowSent += 1;
    else direct.highSent += 1;
    counters = direct;
  }
  counters.lastSeq += 1;
  counters.rev += 1;
  counters.lastMessageId = id;
  const prevAt = writes.movedAt.get(chat.id) ?? chat.revAt;
  writes.movedAt.set(chat.id, writes.revAt);
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
    system: null,
    mentions: mentions.length > 0 ? JSON.stringify(mentions) : null,
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
    mentions,
  };
  writes.fresh.set(key, { message, audience, prevAt });
  return { message, audience, duplicate: false, prevAt };
}

function directCounters(writes: Writes, chat: LockedChat, id: string): ChatUpdate {
  let counters = writes.chats.get(chat.id);
  if (!counters) {
    counters = {
      id: chat.id,
      lastSeq: chat.lastSeq,
      rev: chat.rev,
      revAt: writes.revAt,
      lastMessageId: id,
      lowSent: 0,
      highSent: 0,
    };
    writes.chats.set(chat.id, counters);
  }
  return counters;
}

function groupCounters(writes: Writes, chat: LockedChat, id: string) {
  let counters = writes.groups.get(chat.id);
  if (!counters) {
    counters = { chatId: chat.id, lastSeq: chat.lastSeq, rev: chat.rev, revAt: writes.revAt, lastMessageId: id, senders: new Map() };
    writes.groups.set(chat.id, counters);
  }
  return counters;
}

function keyOf(senderId: string, clientId: string): string {
  return `${senderId} ${clientId}`;
}
