import { randomUUID } from "node:crypto";
import {
  DELETE_WINDOW_MS,
  EDIT_WINDOW_MS,
  MAX_PINNED_CHATS,
  messageFrames,
  receiptsMark,
  SYNC_MAX_CHANGES,
  TYPING_TTL_MS,
  type Chat,
  type ChatCursor,
  type ChatList,
  type ChatListQuery,
  type ChatSettingsRequest,
  type ChatSync,
  type HistoryPage,
  type HistoryQuery,
  type Message,
  type MessageHidden,
  type MessageInfo,
  type SyncResult,
  type SystemEvent,
  uuidv7,
} from "@easyqr/protocol";
import type { Logger } from "pino";
import type { z } from "zod";
import type { AttachmentService } from "../attachments/service.ts";
import { pairOf } from "../access/checks.ts";
import { chatNotFound, mayStartChat, messageNotFound, notMember, readableChat, writableChat, type GroupStanding } from "../access/chats.ts";
import type { Clock } from "../clock.ts";
import { AppError, knownError } from "../errors.ts";
import { uniqueViolation } from "../db/errors.ts";
import { fanoutToAll, revMovedAt, type InOrder, type UserFanout } from "../fanout.ts";
import type { ChatLimits } from "./limits.ts";
import { chatMarks, chatRows, chatView, deviceReceiptView, messageView, renderHistory, renderMessages } from "./view.ts";
import type { ChatRow, HistoryRow, LockedChat, MessageRow } from "./rows.ts";
import { JsonText } from "../jsonText.ts";
import type { Receipt } from "./watermarks.ts";
import { changedSettings } from "./settings.ts";
import { markAll, type ReceiptItem } from "./receipts.ts";
import { ReceiptQueue } from "./receiptQueue.ts";
import { sendAll, type GroupTicks, type SendInput, type SendItem, type SendOutcome } from "./send.ts";
import type { ChatStatements, ChatStore } from "./store/store.ts";
import { Turns, type Turn } from "./turns.ts";

/** Who moves a watermark: the user, through one device (sign-in session). */
export type Reader = { userId: string; sessionId: string };
/** The socket a change came from: `ack` answers it in the change's turn (so before any later change's events), and events skip it. */
export type Origin = { socket: object; ack: (message: Message) => void };
type ChatCursorIn = z.output<typeof ChatCursor>;

/** How often a group's aggregate ticks go out at most (the last move always goes out). */
const TICKS_EVERY_MS = 250;
/** Most receipts of one chat in one transaction: a full group's "everyone reads at once" in one. */
const RECEIPT_BATCH_SIZE = 1_024;

/** What a group change (groups/service.ts) works with inside its transaction, the group's chat locked. */
export type GroupChangeContext = {
  q: ChatStatements;
  chat: LockedChat;
  now: number;
  /** Writes a system line by `actorId` (the next seq and rev, in this transaction) and returns it. */
  line: (actorId: string, event: SystemEvent) => Promise<Message>;
};

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
  /** Groups whose GROUP_RECEIPT went out less than TICKS_EVERY_MS ago, with the newest aggregate waiting to follow. */
  private readonly tickWindows = new Map<string, { latest?: GroupTicks }>();
  private readonly receipts = new ReceiptQueue<ReceiptItem>((chatId, items) => this.receiptBatch(chatId, items), RECEIPT_BATCH_SIZE);

  constructor(
    private readonly store: ChatStore,
    private readonly clock: Clock,
    private readonly limits: ChatLimits,
    private readonly fanout: UserFanout,
    private readonly log: Logger,
    private readonly attachments: Pick<AttachmentService, "removeOfMessage" | "copyOfMessage">,
    private readonly inOrder: InOrder = (_order, run) => run(),
  ) {}

  // ---- Chats --------------------------------------------------------------------

  /** The 1-1 chat with `peerId`, made on first use: connections only (a former connection's chat stays readable). */
  async openChat(userId: string, peerId: string): Promise<Chat> {
    const chatId = await this.store.write(async (q) => {
      const { userLow, userHigh } = pairOf(userId, peerId);
      const existing = await q.chatOfPair(userLow, userHigh);
      if (existing) return existing;
      mayStartChat(userId, peerId, await q.pairConnected(userLow, userHigh));
      const id = randomUUID();
      // Two first messages at once: the pair's unique constraint lets one insert, the other finds it.
      if (await q.createChat({ id, userLow, userHigh, createdAt: this.clock.now() })) return id;
      return (await q.chatOfPair(userLow, userHigh)) ?? id;
    });
    return this.chat(userId, chatId);
  }

  async chat(userId: string, chatId: string): Promise<Chat> {
    return this.store.read(async (q) => {
      const row = await q.chatView(userId, chatId);
      if (!row) throw chatNotFound();
      return chatView(q, row, userId);
    });
  }

  /** Chats with messages, latest activity first; the first page also brings the pinned chats (the list shows them first). */
  async listChats(userId: string, query: z.output<typeof ChatListQuery>): Promise<ChatList> {
    return this.store.read(async (q) => {
      const rows = await chatRows(q, userId, query.before ?? Number.MAX_SAFE_INTEGER, query.limit);
      const next = rows.length >= query.limit ? (rows.at(-1)?.activityAt ?? null) : null;
      if (query.before === undefined) {
        const listed = new Set(rows.map((r) => r.id));
        rows.push(...(await q.pinnedChatViews(userId)).filter((r) => !listed.has(r.id)));
      }
      const chats = await Promise.all(rows.map((row) => chatView(q, row, userId)));
      return { chats, next };
    });
  }

  /**
   * This member's own pin, archive, mute and "mark as unread" of a chat; at most MAX_PINNED_CHATS
   * pinned. Moves no chat rev: `settings.rev` counts these changes (SYNC compares it), and every
   * device of the member hears CHAT_SETTINGS; the peer hears nothing.
   */
  async updateSettings(userId: string, chatId: string, change: ChatSettingsRequest): Promise<Chat> {
    const result = await this.store.write(async (q) => {
      await q.lockPerson(userId);
      await readable(q, chatId, userId);
      const row = await q.chatView(userId, chatId);
      if (!row) throw chatNotFound();
      const next = changedSettings(row, change, this.clock.now());
      if (!next) return { chat: await chatView(q, row, userId), changed: false };
      if (next.pinnedAt !== null && row.pinnedAt === null && (await q.pinnedCount(userId)) >= MAX_PINNED_CHATS)
        throw new AppError("CHAT_PIN_LIMIT", `You can pin up to ${MAX_PINNED_CHATS} chats.`, { max: MAX_PINNED_CHATS });
      await q.setSettings(chatId, userId, next);
      return { chat: await chatView(q, { ...row, ...next }, userId), changed: true };
    });
    if (result.changed) this.fanout(userId, { type: "CHAT_SETTINGS", chatId, settings: result.chat.settings });
    return result.chat;
  }

  /**
   * A page of history, oldest first: the newest page, the one before `before`, or the one after
   * `after`, as its answer's JSON: the store writes each message's (SQLite in the statement itself),
   * renderHistory fills in what they carry, and the page joins them.
   */
  async history(userId: string, chatId: string, query: z.output<typeof HistoryQuery>): Promise<JsonText<HistoryPage>> {
    return this.store.read(async (q) => {
      const found = await q.chatOfReader(chatId, userId);
      const member = found?.kind === "group" ? await memberOf(q, chatId, userId) : undefined;
      const { chat: row } = readableChat(found, userId, chatNotFound, member);
      // A former group member's history ends at their leaving (the rows past it are not theirs to see).
      const chat = row.kind === "group" ? { lastSeq: (await q.chatView(userId, chatId))?.lastSeq ?? row.lastSeq } : row;
      const { limit, around } = query;
      const checks = { group: row.kind === "group", hidden: Number(row.readerHidden ?? 0) > 0 };
      const page = async (rows: HistoryRow[], marks: Omit<HistoryPage, "messages">) => {
        const first = rows[0];
        const last = rows.at(-1);
        const messages = first && last ? await renderHistory(q, rows, { by: "seqRange", chatId, from: first.seq, to: last.seq }) : [];
        // The marks' JSON with the messages' texts in front: `{"messages":[…],"more":…}`.
        return new JsonText<HistoryPage>(`{"messages":[${messages.join(",")}],${JSON.stringify(marks).slice(1)}`);
      };
      if (around !== undefined) {
        // The hit and the older half up to it, then the newer half after it.
        const older = await q.history(chatId, userId, { before: around + 1 }, Math.ceil(limit / 2) + 1, checks);
        const newer = await q.history(chatId, userId, { after: around }, Math.floor(limit / 2) + 1, checks);
        const more = older.length > Math.ceil(limit / 2);
        const moreAfter = newer.length > Math.floor(limit / 2);
        const rows = [...(more ? older.slice(1) : older), ...(moreAfter ? newer.slice(0, -1) : newer)];
        const through = Math.max(rows.at(-1)?.seq ?? 0, moreAfter ? 0 : chat.lastSeq);
        return page(rows, { more, moreAfter, through });
      }
      let rows = await q.history(chatId, userId, query, limit + 1, checks);
      const more = rows.length > limit;
      if (more) rows = query.after !== undefined ? rows.slice(0, limit) : rows.slice(1);
      // The chat was read first: what is past its last seq then is in `rows` (or came after, and will be announced).
      const newest = query.before === undefined && !(more && query.after !== undefined);
      const through = Math.max(rows.at(-1)?.seq ?? 0, newest ? chat.lastSeq : query.before !== undefined ? query.before - 1 : 0);
      return page(rows, { more, through });
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
      let ticks: GroupTicks[] = [];
      try {
        ({ outcomes, ticks } = await this.store.write((q) => sendAll(q, items, this.clock, turn), turn));
      } catch (error) {
        if (knownError(error)?.code === "UNAVAILABLE") {
          // The database is out of reach: each send alone would fail the same way. Every sender hears
          // UNAVAILABLE and sends again (a commit that did happen is found by its client id then).
          outcomes = items.map(() => ({ error }));
        } else if (!alone) {
          // A resend stored beside the batch (ADR 0006) is expected under concurrency: no stack for it.
          const clash = uniqueViolation(error);
          if (clash?.startsWith("messages.")) this.log.info({ clash, size: items.length }, "send batch met a resend stored meanwhile; retrying one by one");
          else this.log.error({ err: error, size: items.length }, "send batch failed; retrying one by one");
          return false;
        } else {
          this.log.error({ err: error }, "send failed");
          outcomes = [{ error }];
        }
      }
      await turn.mayAnswer;
      this.answer(items, outcomes);
      for (const tick of ticks) this.publishTicks(tick);
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
      const order = { chatId: outcome.message.chatId, rev: outcome.message.rev, prevAt: outcome.prevAt };
      this.inOrder(order, () => item.reply({ message: outcome.message, frames, duplicate: outcome.duplicate }));
      if (!outcome.duplicate) {
        const event = frames.event();
        this.fanout(item.userId, event, { except: item.origin, order });
        fanoutToAll(this.fanout, outcome.audience, event, { order });
      }
    });
  }

  /**
   * What a FORWARD sends: the SEND it stands for (text of the original, copies of its attachments
   * for the target chat; the caller queues it marked `forwarded`). A message `userId` may not read
   * is MESSAGE_NOT_FOUND, as one that does not exist; one deleted for everyone, MESSAGE_DELETED;
   * the target must be a chat they may write to. A resend of a stored forward (the same id) copies
   * nothing: its SEND answers the stored message.
   */
  async forwardSend(userId: string, frame: { id: string; messageId: string; chatId: string }): Promise<SendInput> {
    const send = { type: "SEND", id: frame.id, chatId: frame.chatId } as const;
    const original = await this.store.read(async (q) => {
      if ((await q.earlier([{ senderId: userId, clientId: frame.id }])).length > 0) return undefined;
      const message = await q.message(frame.messageId);
      if (!message) throw messageNotFound();
      await readableMessage(q, message, userId);
      if (message.system !== null) throw messageNotFound();
      if (message.deletedAt !== null) throw new AppError("MESSAGE_DELETED", "This message was deleted.");
      const target = await q.standing(frame.chatId);
      writableChat(target, userId, chatNotFound, target?.kind === "group" ? await memberOf(q, frame.chatId, userId) : undefined);
      return message;
    });
    if (!original) return { ...send, text: "" };
    const attachmentIds = await this.attachments.copyOfMessage(userId, original.id, frame.chatId);
    const text = original.text ?? "";
    if (text.trim().length === 0 && attachmentIds.length === 0) throw new AppError("MESSAGE_DELETED", "This message was deleted.");
    return { ...send, text, ...(attachmentIds.length > 0 ? { attachmentIds } : {}) };
  }

  /**
   * Deletes a message for `userId` only ("delete for me"): any message of a chat they are a member
   * of, at any age. It leaves their history, SYNC and chat preview on every device; the peer keeps
   * it. Counted per member (`hidden`), so a device that was away learns it at SYNC. No rev moves
   * (the peer must not hear of it); the user's other sockets get MESSAGE_HIDDEN. Hiding a hidden
   * message again answers the same and tells nobody.
   */
  async hide(userId: string, messageId: string, origin?: { socket: object; ack: (hidden: MessageHidden) => void }): Promise<MessageHidden> {
    const result = await this.store.write(async (q) => {
      const message = await q.message(messageId);
      if (!message) throw messageNotFound();
      await readableMessage(q, message, userId);
      const chatId = message.chatId;
      // Adding 0 locks the member's row first: two devices hiding the same message at once take turns, and the second finds it hidden.
      await q.countHide(chatId, userId, 0);
      const fresh = !(await q.isHidden(userId, messageId));
      if (fresh) await q.insertHidden({ userId, messageId, chatId, n: await q.countHide(chatId, userId, 1), hiddenAt: this.clock.now() });
      const row = await q.chatView(userId, chatId);
      if (!row) throw messageNotFound();
      const chat = await chatView(q, row, userId);
      return { fresh, hidden: { chatId, messageId, hidden: chat.hidden, lastMessage: chat.lastMessage } };
    });
    origin?.ack(result.hidden);
    if (result.fresh) this.fanout(userId, { type: "MESSAGE_HIDDEN", ...result.hidden }, { except: origin?.socket });
    return result.hidden;
  }

  /** Changes a message's text: its sender, within EDIT_WINDOW_MS, while connected, unless deleted. */
  async edit(userId: string, messageId: string, text: string, origin?: Origin): Promise<Message> {
    return this.change(userId, messageId, origin, (_q, message, chat, now, member) => {
      mustBeSender(message, userId);
      if (message.deletedAt !== null) throw new AppError("MESSAGE_DELETED", "This message was deleted.");
      writableChat(chat, userId, messageNotFound, member);
      if (now - message.createdAt > EDIT_WINDOW_MS)
        throw new AppError("MESSAGE_EDIT_EXPIRED", "It is too late to edit this message.", { windowMs: EDIT_WINDOW_MS });
      return message.text === text ? undefined : { ...message, text, editedAt: now };
    });
  }

  /**
   * Deletes a message for everyone: its sender, within DELETE_WINDOW_MS. A tombstone stays (text
   * null); its reactions go in the same transaction, its attachments (rows and files) right after
   * the commit, by their service (a tombstone shows none meanwhile, and the attachment sweep
   * finishes the job after a crash). Deleting again answers the tombstone. No connection is
   * needed to take one's own words back.
   */
  async delete(userId: string, messageId: string, origin?: Origin): Promise<Message> {
    const message = await this.change(userId, messageId, origin, async (q, message, chat, now, member) => {
      mustBeSender(message, userId);
      if (chat.kind === "group" && !member?.role) throw notMember();
      if (message.deletedAt !== null) return undefined;
      if (now - message.createdAt > DELETE_WINDOW_MS)
        throw new AppError("MESSAGE_EDIT_EXPIRED", "It is too late to delete this message for everyone.", { windowMs: DELETE_WINDOW_MS });
      await q.removeReactions(message.id);
      return { ...message, text: null, deletedAt: now };
    });
    await this.attachments.removeOfMessage(message.id);
    return message;
  }

  /** Sets (or with null takes away) this user's one reaction to a message. */
  async react(userId: string, messageId: string, emoji: string | null, origin?: Origin): Promise<Message> {
    return this.change(userId, messageId, origin, async (q, message, chat, now, member) => {
      if (message.deletedAt !== null) throw new AppError("MESSAGE_DELETED", "This message was deleted.");
      writableChat(chat, userId, messageNotFound, member);
      // The same emoji again writes nothing, and then nothing changed.
      const changed =
        emoji === null ? await q.removeReaction(message.id, userId) : await q.setReaction({ messageId: message.id, userId, emoji, createdAt: now });
      return changed ? message : undefined;
    });
  }

  // ---- Receipts -------------------------------------------------------------------

  /**
   * Moves the reader's watermarks up to `seq` (never back, never past the chat's last message);
   * seen implies delivered. Resolves once the receipt's batch (receipts.ts: a chat's receipts at
   * once go in one transaction) committed: every device of the reader hears the new marks and
   * unread count, the 1-1 peer's devices the new ticks, a group the moved aggregate.
   * Members may do this after disconnection too.
   */
  markReceipt(reader: Reader, chatId: string, seq: number, kind: Receipt): Promise<void> {
    return new Promise((resolve, reject) => {
      this.receipts.push({
        ...reader,
        chatId,
        seq,
        kind,
        done: (error) => (error === undefined ? resolve() : reject(error)),
      });
    });
  }

  /** One transaction for a batch of one chat's receipts; something the checks did not foresee fails it, and then each goes alone. */
  private async receiptBatch(chatId: string, items: ReceiptItem[]): Promise<void> {
    let result: Awaited<ReturnType<typeof markAll>>;
    try {
      result = await this.store.write((q) => markAll(q, chatId, items, this.clock.now()));
    } catch (error) {
      if (items.length === 1) return items[0]?.done(error instanceof Error ? error : new Error("the receipt failed", { cause: error }));
      this.log.error({ err: error, size: items.length }, "receipt batch failed; retrying one by one");
      for (const item of items) await this.receiptBatch(chatId, [item]);
      return;
    }
    items.forEach((item, i) => {
      const moved = result.outcomes[i];
      if (moved && "error" in moved) return item.done(moved.error);
      if (moved) {
        this.fanout(item.userId, { type: "RECEIPT", chatId, userId: item.userId, receipts: moved.receipts, unread: moved.unread });
        if (moved.peerId) this.fanout(moved.peerId, { type: "RECEIPT", chatId, userId: item.userId, receipts: moved.receipts });
      }
      item.done();
    });
    if (result.ticks) this.publishTicks(result.ticks);
  }

  /**
   * Per-device receipts of one's own message: every device of the peer whose watermarks reached
   * it. Anyone but a member hears CHAT_NOT_FOUND (as for no chat); the peer, MESSAGE_NOT_YOURS.
   */
  async messageInfo(userId: string, chatId: string, messageId: string): Promise<MessageInfo> {
    return this.store.read(async (q) => {
      const { chat, peerId } = await readable(q, chatId, userId);
      const message = await q.message(messageId);
      if (!message || message.chatId !== chatId) throw messageNotFound();
      await readableMessage(q, message, userId);
      mustBeSender(message, userId);
      if (chat.kind === "group") {
        // Every other current member, read first, then delivered, then the rest.
        const reach = new Map((await q.memberReach(chatId, message.seq)).map((r) => [r.userId, r]));
        const members = (await q.memberIds(chatId))
          .filter((id) => id !== userId)
          .map((id) => ({ userId: id, deliveredAt: reach.get(id)?.deliveredAt ?? null, readAt: reach.get(id)?.readAt ?? null }))
          .sort((a, b) => rank(a) - rank(b) || (a.readAt ?? a.deliveredAt ?? 0) - (b.readAt ?? b.deliveredAt ?? 0) || a.userId.localeCompare(b.userId));
        return { messageId, devices: [], members };
      }
      const rows = peerId ? await q.devicesReaching(chatId, peerId, message.seq) : [];
      const now = this.clock.now();
      return { messageId, devices: rows.map((row) => deviceReceiptView(row, now)) };
    });
  }

  // ---- Typing and catching up ---------------------------------------------------------

  /** Tells the peer this user is typing (or stopped); members who are connected only. */
  async typing(userId: string, chatId: string, typing: boolean): Promise<void> {
    const audience = await this.store.read(async (q) => {
      const chat = await q.standing(chatId);
      if (chat?.kind !== "group") return [writableChat(chat, userId).peerId ?? ""];
      writableChat(chat, userId, chatNotFound, await memberOf(q, chatId, userId));
      return (await q.memberIds(chatId)).filter((id) => id !== userId);
    });
    const now = this.clock.now();
    fanoutToAll(this.fanout, audience, { type: "TYPING", chatId, userId, typing, until: typing ? now + TYPING_TTL_MS : now }, { droppable: true });
  }

  /**
   * Every chat of the user whose rev is past the client's (chats not named count as rev 0), with
   * its changed messages in rev order; `resync` for a chat the client does not know (rev 0), one
   * too far behind, or one whose rev is ahead of ours (the client kept state we no longer have).
   */
  async sync(userId: string, cursors: ChatCursorIn[]): Promise<SyncResult> {
    const known = new Map(cursors.map((c) => [c.chatId, c]));
    return this.store.read(async (q) => {
      let budget = this.limits.syncMaxTotal;
      const chats: ChatSync[] = [];
      const views = await q.changedChatViews(userId);
      // Every chat of the user with a rev is in `views`: one the client knows with a rev and is not there is gone.
      const mine = new Set(views.map((row) => row.id));
      const removed = cursors.filter((c) => c.rev > 0 && !mine.has(c.chatId)).map((c) => c.chatId);
      // The chat is read before its messages: a change committed in between shows up in both the
      // changes and a later event, which clients apply idempotently by rev; none can be missed.
      for (const row of views) {
        const cursor = known.get(row.id);
        const clientRev = cursor?.rev ?? 0;
        if (row.rev === clientRev) {
          // Only read state moved (another device of the user read the chat, or the peer did), this member
          // hid messages on another device, or changed its settings there: the chat, no messages.
          const hidMore = cursor?.hidden !== undefined && cursor.hidden < Number(row.hidden);
          const readMoved = cursor?.receipts !== undefined && cursor.receipts !== receiptsMark(chatMarks(row));
          const settingsMoved = cursor?.settings !== undefined && cursor.settings !== row.settingsRev;
          if (hidMore || readMoved || settingsMoved) {
            const hidden = hidMore ? await q.hiddenAfter(row.id, userId, cursor.hidden ?? 0, SYNC_MAX_CHANGES + 1) : [];
            const resync = hidden.length > SYNC_MAX_CHANGES;
            chats.push({ chat: await chatView(q, row, userId), changes: [], resync, hidden: resync ? [] : hidden });
          }
          continue;
        }
        const behind = row.rev - clientRev;
        const chat = await chatView(q, row, userId);
        if (clientRev === 0 || behind < 0 || behind > Math.min(SYNC_MAX_CHANGES, budget)) {
          chats.push({ chat, changes: [], resync: true, hidden: [] });
          continue;
        }
        // Hidden since the client's mark: named (the client drops them); too many, and the chat starts over.
        const hidden =
          cursor?.hidden !== undefined && cursor.hidden < chat.hidden ? await q.hiddenAfter(row.id, userId, cursor.hidden, SYNC_MAX_CHANGES + 1) : [];
        if (hidden.length > SYNC_MAX_CHANGES) {
          chats.push({ chat, changes: [], resync: true, hidden: [] });
          continue;
        }
        const changes = { chatId: row.id, rev: clientRev, lastSeq: row.lastSeq, chatRev: row.rev };
        const rows = await q.changedMessages(changes, userId);
        budget -= rows.length;
        chats.push({ chat, changes: await renderMessages(q, rows, { by: "changes", changes }), resync: false, hidden });
      }
      return removed.length > 0 ? { chats, removed } : { chats };
    });
  }

  // ---- Groups ---------------------------------------------------------------------

  /**
   * One change to a group (ADR 0008): `work` runs in a transaction holding the group's chat lock,
   * in a turn like a batch of sends, and writes system lines with `line` (each a message with the
   * next seq and rev). After the commit, in turn, every line goes as MESSAGE to everyone who was
   * or is a member around the change (a removed member hears of their removal), and GROUP_RECEIPT
   * when the lowest marks moved (a member left or came). `create` makes the chat first (a new group).
   */
  async groupChange<T>(chatId: string, work: (context: GroupChangeContext) => Promise<T>, create?: (q: ChatStatements) => Promise<void>): Promise<T> {
    const turn = this.turns.take();
    try {
      const result = await this.store.write(async (q) => {
        if (create) await create(q);
        await turn.mayLock;
        const [locked] = await q.lockChats([chatId]).finally(() => turn.locked());
        if (locked?.kind !== "group") throw chatNotFound();
        const before = await q.memberIds(chatId);
        const now = this.clock.now();
        const lines: { message: Message; prevAt: number }[] = [];
        const revAt = revMovedAt();
        const counters = { seq: locked.lastSeq, rev: locked.rev, revAt: locked.revAt };
        const line = async (actorId: string, said: SystemEvent): Promise<Message> => {
          const event: SystemEvent = { ...said, actor: { id: actorId, name: await q.personName(actorId) } };
          const prevAt = counters.revAt;
          counters.seq += 1;
          counters.rev += 1;
          counters.revAt = revAt;
          const id = uuidv7(now);
          const row: MessageRow = {
            ...{ id, chatId, seq: counters.seq, rev: counters.rev, senderId: actorId, clientId: id, text: "", replyToId: null },
            ...{ createdAt: now, editedAt: null, deletedAt: null, changedAt: null, forwarded: 0, system: JSON.stringify(event), mentions: null },
          };
          await q.insertMessages([row]);
          await q.setGroupCounters({ chatId, lastSeq: row.seq, rev: row.rev, revAt, lastMessageId: id, activityAt: now });
          await q.markOwn(chatId, actorId, row.seq);
          const message = messageView(row, { attachments: [], reactions: [], replyTo: null });
          lines.push({ message, prevAt });
          return message;
        };
        const value = await work({ q, chat: locked, now, line });
        const after = await q.memberIds(chatId);
        const theirs = await q.refreshMins(chatId);
        const ticksMoved = theirs.seenSeq !== locked.minSeenSeq || theirs.deliveredSeq !== locked.minDeliveredSeq;
        return { value, lines, audience: [...new Set([...before, ...after])], members: after, theirs: ticksMoved ? theirs : undefined };
      }, turn);
      await turn.mayAnswer;
      for (const { message, prevAt } of result.lines)
        fanoutToAll(this.fanout, result.audience, { type: "MESSAGE", message }, { order: { chatId: message.chatId, rev: message.rev, prevAt } });
      if (result.theirs) this.publishTicks({ chatId, theirs: result.theirs, members: result.members });
      return result.value;
    } finally {
      turn.leave();
    }
  }

  /**
   * GROUP_RECEIPT to a group's members: at once, then at most every TICKS_EVERY_MS with the newest
   * aggregate, so "everyone reads at once" in a large group is a handful of frames, not one per
   * reader who held the lowest mark (clients keep the higher of what they hold and what comes).
   */
  private publishTicks(tick: GroupTicks): void {
    const open = this.tickWindows.get(tick.chatId);
    if (open) {
      open.latest = tick;
      return;
    }
    fanoutToAll(this.fanout, tick.members, { type: "GROUP_RECEIPT", chatId: tick.chatId, theirs: tick.theirs });
    const window: { latest?: GroupTicks } = {};
    this.tickWindows.set(tick.chatId, window);
    setTimeout(() => {
      this.tickWindows.delete(tick.chatId);
      if (window.latest) this.publishTicks(window.latest);
    }, TICKS_EVERY_MS).unref();
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
    apply: (
      q: ChatStatements,
      message: MessageRow,
      chat: LockedChat,
      now: number,
      member: GroupStanding,
    ) => MessageRow | undefined | Promise<MessageRow | undefined>,
  ): Promise<Message> {
    const turn = this.turns.take();
    try {
      const result = await this.store.write(async (q) => {
        const { message, chat, member } = await lockedMessage(q, userId, messageId, turn);
        const now = this.clock.now();
        const applied = await apply(q, message, chat, now, member);
        const row = applied ? { ...applied, rev: chat.rev + 1, changedAt: now } : message;
        if (applied) {
          await q.updateMessage(row);
          await q.setChatRev(chat.id, row.rev, revMovedAt());
        }
        const [view] = await renderMessages(q, [row], { by: "id", id: row.id });
        if (!view) throw new Error(`message ${row.id} not rendered`);
        const audience = chat.kind === "group" ? (await q.memberIds(chat.id)).filter((id) => id !== userId) : [readableChat(chat, userId).peerId ?? ""];
        return { message: view, changed: applied !== undefined, audience, prevAt: applied ? chat.revAt : 0 };
      }, turn);
      await turn.mayAnswer;
      const order = { chatId: result.message.chatId, rev: result.message.rev, prevAt: result.prevAt };
      if (origin) this.inOrder(order, () => origin.ack(result.message));
      if (result.changed) {
        const event = { type: "MESSAGE_UPDATED", message: result.message } as const;
        this.fanout(userId, event, { except: origin?.socket, order });
        fanoutToAll(this.fanout, result.audience, event, { order });
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
async function lockedMessage(
  q: ChatStatements,
  userId: string,
  messageId: string,
  turn: Pick<Turn, "mayLock" | "locked">,
): Promise<{ message: MessageRow; chat: LockedChat; member: GroupStanding }> {
  const chatId = await q.chatIdOf(messageId);
  if (!chatId) throw messageNotFound();
  await turn.mayLock;
  // The lock a batch of sends takes on its chats (with whether the pair is connected).
  const [locked] = await q.lockChats([chatId]).finally(turn.locked);
  const member = locked?.kind === "group" ? await memberOf(q, chatId, userId) : undefined;
  const { chat } = readableChat(locked, userId, messageNotFound, member);
  const message = await q.message(messageId);
  if (!message) throw messageNotFound();
  // A system line is nobody's to change; a group message from outside the person's stays is not theirs to see.
  if (message.system !== null) throw messageNotFound();
  await readableMessage(q, message, userId, chat);
  return { message, chat, member };
}

/** A person's standing in a group (undefined: never in it). */
async function memberOf(q: ChatStatements, chatId: string, userId: string): Promise<GroupStanding> {
  const row = await q.memberStanding(chatId, userId);
  return row ? { role: row.role } : undefined;
}

/** Reading a chat: its row and the peer, or a group member's standing; else CHAT_NOT_FOUND (`notFound`). */
async function readable(
  q: ChatStatements,
  chatId: string,
  userId: string,
  notFound: () => AppError = chatNotFound,
): Promise<{ chat: ChatRow; peerId: string | undefined; member: GroupStanding }> {
  const row = await q.chat(chatId);
  const member = row?.kind === "group" ? await memberOf(q, chatId, userId) : undefined;
  const { chat, peerId } = readableChat(row, userId, notFound, member);
  return { chat, peerId, member };
}

/** A message `userId` may read: of a chat they are in and, in a group, sent during one of their stays; else MESSAGE_NOT_FOUND. */
async function readableMessage(q: ChatStatements, message: MessageRow, userId: string, known?: ChatRow): Promise<void> {
  const chat = known ?? (await readable(q, message.chatId, userId, messageNotFound)).chat;
  if (chat.kind === "group" && !(await q.sees(chat.id, userId, message.seq))) throw messageNotFound();
}

/** Message info's order: read, then delivered, then not yet. */
function rank(receipt: { deliveredAt: number | null; readAt: number | null }): number {
  return receipt.readAt !== null ? 0 : receipt.deliveredAt !== null ? 1 : 2;
}

function mustBeSender(message: MessageRow, userId: string): void {
  if (message.senderId !== userId) throw new AppError("MESSAGE_NOT_YOURS", "Only its sender can change a message.");
}
