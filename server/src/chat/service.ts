import { randomUUID } from "node:crypto";
import {
  DELETE_WINDOW_MS,
  EDIT_WINDOW_MS,
  messageFrames,
  SYNC_MAX_CHANGES,
  TYPING_TTL_MS,
  type Chat,
  type ChatCursor,
  type ChatList,
  type ChatListQuery,
  type ChatSync,
  type HistoryPage,
  type HistoryQuery,
  type Message,
  type SyncResult,
} from "@easyqr/protocol";
import type { Logger } from "pino";
import type { z } from "zod";
import type { AttachmentService } from "../attachments/service.ts";
import { chatNotFound, ensureConnected, memberChat, messageNotFound, notConnected, pairOf, peerOf } from "../access/checks.ts";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import type { UserFanout } from "../fanout.ts";
import type { ChatLimits } from "./limits.ts";
import { changedChatRows, changedMessages, chatRow, chatRows, chatView, renderMessages } from "./queries.ts";
import type { MemberRow, MessageRow } from "./rows.ts";
import { sendAll, type SendItem, type SendOutcome } from "./send.ts";
import type { LockedChat } from "./sendSql.ts";
import type { ChatSql, Sql } from "./sql.ts";
import { Turns, type Turn } from "./turns.ts";

type Receipt = "delivered" | "seen";
/** The socket a change came from: `ack` answers it in the change's turn (so before any later change's events), and events skip it. */
export type Origin = { socket: object; ack: (message: Message) => void };
type ChatCursorIn = z.output<typeof ChatCursor>;

/**
 * The only code that changes chats and messages. Each change is one transaction that bumps the
 * chat's `rev` (and stamps the changed message with it), then events to the members' sockets.
 * New messages come in batches from the SendQueue (group commit); see docs/adr/0006. Every
 * transaction that moves a rev, a batch of sends or a change to a message, takes a turn
 * (turns.ts): it locks its chat once the one before holds its own, and answers and publishes once
 * the one before has, so every socket hears a chat's revs in order.
 */
export class ChatService {
  private readonly turns = new Turns();

  constructor(
    private readonly sql: ChatSql,
    private readonly clock: Clock,
    private readonly limits: ChatLimits,
    private readonly fanout: UserFanout,
    private readonly log: Logger,
    private readonly attachments: Pick<AttachmentService, "removeFiles">,
  ) {}

  // ---- Chats --------------------------------------------------------------------

  /** The 1-1 chat with `peerId`, made on first use: connections only (a former connection's chat stays readable). */
  async openChat(userId: string, peerId: string): Promise<Chat> {
    const chatId = await this.sql.write(async (q) => {
      const { userLow, userHigh } = pairOf(userId, peerId);
      const existing = await chatOfPair(q, userLow, userHigh);
      if (existing) return existing.id;
      if (userId === peerId) throw new AppError("CHAT_NOT_CONNECTED", "You cannot chat with yourself.");
      await ensureConnected(q, userId, peerId);
      const now = this.clock.now();
      const id = randomUUID();
      // Two first messages at once: the pair's unique constraint lets one insert, the other finds it.
      const inserted = await q.run("insert into chats (id, user_low, user_high, created_at) values (?, ?, ?, ?) on conflict (user_low, user_high) do nothing", id, userLow, userHigh, now);
      if (inserted === 0) return (await chatOfPair(q, userLow, userHigh))?.id ?? id;
      await q.run("insert into chat_members (chat_id, user_id, activity_at) values (?, ?, ?), (?, ?, ?)", id, userLow, now, id, userHigh, now);
      return id;
    });
    return this.chat(userId, chatId);
  }

  async chat(userId: string, chatId: string): Promise<Chat> {
    return this.sql.read(async (q) => {
      const row = await chatRow(q, userId, chatId);
      if (!row) throw chatNotFound();
      return chatView(q, row);
    });
  }

  /** Chats with messages, latest activity first. */
  async listChats(userId: string, query: z.output<typeof ChatListQuery>): Promise<ChatList> {
    return this.sql.read(async (q) => {
      const rows = await chatRows(q, userId, query.before ?? Number.MAX_SAFE_INTEGER, query.limit);
      const chats = await Promise.all(rows.map((row) => chatView(q, row)));
      return { chats, next: rows.length >= query.limit ? (rows.at(-1)?.activity_at ?? null) : null };
    });
  }

  /** A page of history, oldest first: the newest page, the one before `before`, or the one after `after`. */
  async history(userId: string, chatId: string, query: z.output<typeof HistoryQuery>): Promise<HistoryPage> {
    return this.sql.read(async (q) => {
      await memberChat(q, userId, chatId);
      const { limit } = query;
      let rows: MessageRow[];
      if (query.after !== undefined) {
        rows = await q.all<MessageRow>("select * from messages where chat_id = ? and seq > ? order by seq limit ?", chatId, query.after, limit + 1);
      } else if (query.before !== undefined) {
        rows = (await q.all<MessageRow>("select * from messages where chat_id = ? and seq < ? order by seq desc limit ?", chatId, query.before, limit + 1)).reverse();
      } else {
        rows = (await q.all<MessageRow>("select * from messages where chat_id = ? order by seq desc limit ?", chatId, limit + 1)).reverse();
      }
      const more = rows.length > limit;
      if (more) rows = query.after !== undefined ? rows.slice(0, limit) : rows.slice(1);
      const first = rows[0];
      const last = rows.at(-1);
      const messages = first && last ? await renderMessages(q, rows, { by: "seqRange", chatId, from: first.seq, to: last.seq }) : [];
      return { messages, more };
    });
  }

  // ---- Messages -------------------------------------------------------------------

  /**
   * Writes a batch of SEND frames in one transaction. Each is checked on its own (one that fails
   * is answered alone); replies and events go out after the commit, in the order written. Batches
   * in flight at once keep their order by taking turns (turns.ts).
   */
  async sendBatch(items: SendItem[]): Promise<void> {
    if (await this.sendInTurn(items, false)) return;
    // Something the checks did not foresee broke the transaction: each send runs alone, so only it fails.
    for (const item of items) await this.sendInTurn([item], true);
  }

  /** One transaction of sends, answered after its commit. False when it failed and `alone` is false: nobody was answered. */
  private async sendInTurn(items: SendItem[], alone: boolean): Promise<boolean> {
    const turn = this.turns.take();
    try {
      let outcomes: SendOutcome[];
      try {
        outcomes = await this.sql.write((q) => sendAll(q, items, this.clock, turn), turn);
      } catch (error) {
        if (!alone) {
          this.log.error({ err: error, size: items.length }, "send batch failed; retrying one by one");
          return false;
        }
        this.log.error({ err: error }, "send failed");
        outcomes = [{ error }];
      }
      await turn.mayAnswer;
      this.answer(items, outcomes);
      return true;
    } finally {
      turn.leave();
    }
  }

  private answer(items: SendItem[], outcomes: SendOutcome[]): void {
    items.forEach((item, i) => {
      const outcome = outcomes[i] ?? { error: new Error("no outcome") };
      if (!("message" in outcome)) return item.reply(outcome);
      const frames = messageFrames(outcome.message);
      item.reply({ message: outcome.message, frames });
      if (!outcome.duplicate) {
        const event = frames.event();
        this.fanout(item.userId, event, { except: item.origin });
        this.fanout(outcome.peerId, event);
      }
    });
  }

  /** Changes a message's text: its sender, within EDIT_WINDOW_MS, while connected, unless deleted. */
  async edit(userId: string, messageId: string, text: string, origin?: Origin): Promise<Message> {
    return this.change(userId, messageId, origin, (_q, message, chat, now) => {
      mustBeSender(message, userId);
      if (message.deleted_at !== null) throw new AppError("MESSAGE_DELETED", "This message was deleted.");
      if (!chat.connected) throw notConnected();
      if (now - message.created_at > EDIT_WINDOW_MS) throw new AppError("MESSAGE_EDIT_EXPIRED", "It is too late to edit this message.", { windowMs: EDIT_WINDOW_MS });
      return message.text === text ? undefined : { ...message, text, edited_at: now };
    });
  }

  /**
   * Deletes a message for everyone: its sender, within DELETE_WINDOW_MS. A tombstone stays (text
   * null); its reactions and attachment rows go in the same transaction, the attachment files
   * right after the commit. Deleting again answers the tombstone. No connection is needed to take
   * one's own words back.
   */
  async delete(userId: string, messageId: string, origin?: Origin): Promise<Message> {
    let files: { storageKey: string; thumbKey: string | null }[] = [];
    const message = await this.change(userId, messageId, origin, async (q, message, _chat, now) => {
      mustBeSender(message, userId);
      if (message.deleted_at !== null) return undefined;
      if (now - message.created_at > DELETE_WINDOW_MS) throw new AppError("MESSAGE_EDIT_EXPIRED", "It is too late to delete this message for everyone.", { windowMs: DELETE_WINDOW_MS });
      const rows = await q.all<{ storage_key: string; thumb_key: string | null }>("delete from attachments where message_id = ? returning storage_key, thumb_key", message.id);
      files = rows.map((r) => ({ storageKey: r.storage_key, thumbKey: r.thumb_key }));
      await q.run("delete from reactions where message_id = ?", message.id);
      return { ...message, text: null, deleted_at: now };
    });
    // A crash before this leaves files without rows; nothing can serve them (their keys are random and unlisted).
    if (files.length) await this.attachments.removeFiles(files);
    return message;
  }

  /** Sets (or with null takes away) this user's one reaction to a message. */
  async react(userId: string, messageId: string, emoji: string | null, origin?: Origin): Promise<Message> {
    return this.change(userId, messageId, origin, async (q, message, chat, now) => {
      if (message.deleted_at !== null) throw new AppError("MESSAGE_DELETED", "This message was deleted.");
      if (!chat.connected) throw notConnected();
      // The same emoji again writes nothing, and then nothing changed.
      const changes =
        emoji === null
          ? await q.run("delete from reactions where message_id = ? and user_id = ?", message.id, userId)
          : await q.run(
              `insert into reactions (message_id, user_id, emoji, created_at) values (?, ?, ?, ?)
               on conflict (message_id, user_id) do update set emoji = excluded.emoji, created_at = excluded.created_at where reactions.emoji <> excluded.emoji`,
              message.id,
              userId,
              emoji,
              now,
            );
      return changes > 0 ? message : undefined;
    });
  }

  // ---- Receipts -------------------------------------------------------------------

  /**
   * Moves this member's watermark up to `seq` (never back, never past the chat's last message);
   * seen implies delivered. Seeing recounts unread. Members may do this after disconnection too.
   */
  async markReceipt(userId: string, chatId: string, seq: number, kind: Receipt): Promise<void> {
    const moved = await this.sql.write(async (q) => {
      const chat = await memberChat(q, userId, chatId);
      const member = await q.get<MemberRow>("select * from chat_members where chat_id = ? and user_id = ?", chatId, userId);
      if (!member) throw chatNotFound();
      const upTo = Math.min(seq, chat.last_seq);
      const seenSeq = kind === "seen" ? Math.max(member.seen_seq, upTo) : member.seen_seq;
      const deliveredSeq = Math.max(member.delivered_seq, upTo, seenSeq);
      if (seenSeq === member.seen_seq && deliveredSeq === member.delivered_seq) return undefined;
      const unread =
        seenSeq > member.seen_seq
          ? ((await q.get<{ n: number }>("select count(*) as n from messages where chat_id = ? and seq > ? and sender_id <> ?", chatId, seenSeq, userId))?.n ?? 0)
          : member.unread;
      await q.run("update chat_members set delivered_seq = ?, seen_seq = ?, unread = ? where chat_id = ? and user_id = ?", deliveredSeq, seenSeq, unread, chatId, userId);
      return { receipts: { deliveredSeq, seenSeq }, unread, peerId: peerOf(chat, userId) };
    });
    if (!moved) return;
    this.fanout(userId, { type: "RECEIPT", chatId, userId, receipts: moved.receipts, unread: moved.unread });
    this.fanout(moved.peerId, { type: "RECEIPT", chatId, userId, receipts: moved.receipts });
  }

  // ---- Typing and catching up ---------------------------------------------------------

  /** Tells the peer this user is typing (or stopped); members who are connected only. */
  async typing(userId: string, chatId: string, typing: boolean): Promise<void> {
    const peerId = await this.sql.read(async (q) => {
      const peer = peerOf(await memberChat(q, userId, chatId), userId);
      await ensureConnected(q, userId, peer);
      return peer;
    });
    const now = this.clock.now();
    this.fanout(peerId, { type: "TYPING", chatId, userId, typing, until: typing ? now + TYPING_TTL_MS : now }, { droppable: true });
  }

  /**
   * Every chat of the user whose rev is past the client's (chats not named count as rev 0), with
   * its changed messages in rev order; `resync` for a chat the client does not know (rev 0), one
   * too far behind, or one whose rev is ahead of ours (the client kept state we no longer have).
   */
  async sync(userId: string, cursors: ChatCursorIn[]): Promise<SyncResult> {
    const known = new Map(cursors.map((c) => [c.chatId, c.rev]));
    return this.sql.read(async (q) => {
      let budget = this.limits.syncMaxTotal;
      const chats: ChatSync[] = [];
      // The chat is read before its messages: a change committed in between shows up in both the
      // changes and a later event, which clients apply idempotently by rev; none can be missed.
      for (const row of await changedChatRows(q, userId)) {
        const clientRev = known.get(row.id) ?? 0;
        if (row.rev === clientRev) continue;
        const behind = row.rev - clientRev;
        const chat = await chatView(q, row);
        if (clientRev === 0 || behind < 0 || behind > Math.min(SYNC_MAX_CHANGES, budget)) {
          chats.push({ chat, changes: [], resync: true });
          continue;
        }
        const changes = { chatId: row.id, rev: clientRev, lastSeq: row.last_seq, chatRev: row.rev };
        const rows = await changedMessages(q, changes);
        budget -= rows.length;
        chats.push({ chat, changes: await renderMessages(q, rows, { by: "changes", changes }), resync: false });
      }
      return { chats };
    });
  }

  // ---- Inside -----------------------------------------------------------------------

  /**
   * One change to one message: `apply` makes it and returns the message row as it is to be (or
   * undefined: nothing changed); if it changed, the row is written with the chat's next rev and the
   * members hear of it. In a turn like a batch of sends: the chat is locked first (so
   * changes to one chat never wait on each other in a cycle, and the message is read as the last
   * writer left it), and the ACK and events leave once every transaction before it has answered.
   */
  private async change(
    userId: string,
    messageId: string,
    origin: Origin | undefined,
    apply: (q: Sql, message: MessageRow, chat: LockedChat, now: number) => MessageRow | undefined | Promise<MessageRow | undefined>,
  ): Promise<Message> {
    const turn = this.turns.take();
    try {
      const result = await this.sql.write(async (q) => {
        const { message, chat } = await lockedMessage(q, userId, messageId, turn);
        const now = this.clock.now();
        const applied = await apply(q, message, chat, now);
        const row = applied ? { ...applied, rev: chat.rev + 1, changed_at: now } : message;
        if (applied) {
          await q.run(
            "update messages set text = ?, edited_at = ?, deleted_at = ?, rev = ?, changed_at = ? where id = ?",
            row.text,
            row.edited_at,
            row.deleted_at,
            row.rev,
            row.changed_at,
            row.id,
          );
          await q.run("update chats set rev = ? where id = ?", row.rev, chat.id);
        }
        const [view] = await renderMessages(q, [row], { by: "id", id: row.id });
        if (!view) throw new Error(`message ${row.id} not rendered`);
        return { message: view, changed: applied !== undefined, peerId: peerOf(chat, userId) };
      }, turn);
      await turn.mayAnswer;
      origin?.ack(result.message);
      if (result.changed) {
        const event = { type: "MESSAGE_UPDATED", message: result.message } as const;
        this.fanout(userId, event, { except: origin?.socket });
        this.fanout(result.peerId, event);
      }
      return result.message;
    } finally {
      turn.leave();
    }
  }
}

/**
 * A message and its chat, locked in `turn`, if `userId` is a member (else MESSAGE_NOT_FOUND).
 * The message is read again under the lock: a change committed meanwhile is in it.
 */
async function lockedMessage(q: Sql, userId: string, messageId: string, turn: Pick<Turn, "mayLock" | "locked">): Promise<{ message: MessageRow; chat: LockedChat }> {
  const found = await q.get<{ chat_id: string }>("select chat_id from messages where id = ?", messageId);
  if (!found) throw messageNotFound();
  await turn.mayLock;
  // The lock a batch of sends takes on its chats (with whether the pair is connected).
  const [chat] = await q.sends.lockChats([found.chat_id]).finally(turn.locked);
  const message = await q.get<MessageRow>("select * from messages where id = ?", messageId);
  if (!message || !chat || (chat.user_low !== userId && chat.user_high !== userId)) throw messageNotFound();
  return { message, chat };
}

function chatOfPair(q: Sql, userLow: string, userHigh: string): Promise<{ id: string } | undefined> {
  return q.get<{ id: string }>("select id from chats where user_low = ? and user_high = ?", userLow, userHigh);
}

function mustBeSender(message: MessageRow, userId: string): void {
  if (message.sender_id !== userId) throw new AppError("MESSAGE_NOT_YOURS", "Only its sender can change a message.");
}
