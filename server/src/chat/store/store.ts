import type { Turn } from "../turns.ts";
import type { GroupStatements } from "./groups.ts";
import type {
  AttachmentRow,
  ChatRow,
  ChatViewRow,
  DeviceMarks,
  DeviceReachRow,
  DeviceReceiptRow,
  HiddenRow,
  HistoryRow,
  LockedChat,
  MemberRow,
  MemberSettingsRow,
  MessageRow,
  ReactionRow,
  ReaderChatRow,
} from "../rows.ts";

/**
 * The chat tables' statements: the one place the message path's hand-written SQL lives (ADR 0003,
 * amended). On this path a query builder's per-call compile costs more than the query itself, so
 * each statement is fixed SQL prepared once. One implementation per engine (sqlite.ts,
 * postgres.ts; the statements both read are in shared.ts), one test suite for both
 * (server/test/chatStore.test.ts). The service is written once against this.
 */
export type ChatStore = {
  /**
   * Statements in one transaction; everything or nothing. With a `turn` (turns.ts), the work
   * itself waits for `mayLock` before it locks its chats; on SQLite the transaction also waits for
   * it before it takes the connection (see sqlite.ts). The work may leave its last statements
   * unawaited: the write waits for every statement the work issued, commits only if all succeeded
   * and fails with the first error otherwise (on PostgreSQL they leave with the COMMIT, one round trip).
   */
  write<T>(work: (tx: ChatStatements) => Promise<T>, turn?: Pick<Turn, "mayLock">): Promise<T>;
  /** Statements outside a transaction. */
  read<T>(work: (tx: ChatStatements) => Promise<T>): Promise<T>;
};

export type ChatStatements = ChatReads & ChatWrites & BatchStatements & SettingsStatements & GroupStatements;

export type ChatReads = {
  chat(chatId: string): Promise<ChatRow | undefined>;
  /** The chat with the count of messages `userId` deleted for themselves in it (history needs no hidden check when it is 0). */
  chatOfReader(chatId: string, userId: string): Promise<ReaderChatRow | undefined>;
  /** The chat with whether its pair is connected, not locked. */
  standing(chatId: string): Promise<LockedChat | undefined>;
  /** The id of the pair's chat. */
  chatOfPair(userLow: string, userHigh: string): Promise<string | undefined>;
  pairConnected(userLow: string, userHigh: string): Promise<boolean>;
  /** Messages of the chat after seq `after` up to `upTo` that `userId` did not send. */
  othersBetween(chatId: string, after: number, upTo: number, userId: string): Promise<number>;
  /** The chat as `userId` (a member) sees it. */
  chatView(userId: string, chatId: string): Promise<ChatViewRow | undefined>;
  /** `userId`'s chats with messages whose activity is before `before`, latest first, at most `limit`. */
  chatViewsBefore(userId: string, before: number, limit: number): Promise<ChatViewRow[]>;
  /** `userId`'s chats with messages whose activity is exactly `activityAt` (the ties of a page's last). */
  chatViewsAt(userId: string, activityAt: number): Promise<ChatViewRow[]>;
  /** `userId`'s pinned chats (with messages or not), latest pinned first. */
  pinnedChatViews(userId: string): Promise<ChatViewRow[]>;
  /** How many chats `userId` has pinned. */
  pinnedCount(userId: string): Promise<number>;
  /** Every chat of `userId` that changed after rev 0, latest activity first. */
  changedChatViews(userId: string): Promise<ChatViewRow[]>;
  message(messageId: string): Promise<MessageRow | undefined>;
  chatIdOf(messageId: string): Promise<string | undefined>;
  /**
   * A page of history, oldest first: the newest `limit`, or those just before `before`, or just after `after`.
   * `checks.group`: the chat is a group, where a reader sees only what was sent during their stays (a 1-1 chat's reader sees all of it);
   * `checks.hidden`: the reader deleted messages for themselves here (else no row is looked up in `hidden_messages`).
   */
  history(
    chatId: string,
    readerId: string,
    from: { before?: number | undefined; after?: number | undefined },
    limit: number,
    checks: { group: boolean; hidden: boolean },
  ): Promise<HistoryRow[]>;
  /** The messages of a chat changed after a rev, in rev order (see ChangesAfter), but those `readerId` deleted for themselves. */
  changedMessages(changes: ChangesAfter, readerId: string): Promise<MessageRow[]>;
  /** The chat's newest message that `readerId` did not delete for themselves (their chat list preview). */
  lastShown(chatId: string, readerId: string): Promise<MessageRow | undefined>;
  /** Whether `userId` deleted the message for themselves. */
  isHidden(userId: string, messageId: string): Promise<boolean>;
  /** The messages `userId` deleted for themselves in the chat after their `n`-th, in order, at most `limit`. */
  hiddenAfter(chatId: string, userId: string, n: number, limit: number): Promise<string[]>;
  /** What the selected messages carry: attachments (in position order), reactions, the messages they reply to. */
  attachmentsOf(selector: Selector): Promise<AttachmentRow[]>;
  reactionsOf(selector: Selector): Promise<ReactionRow[]>;
  repliedTo(selector: Selector): Promise<ReplyTarget[]>;
  /** Each device of `userId` whose watermarks reached `seq`: its first advance at or past it (delivered) and at or past it as seen (read). */
  devicesReaching(chatId: string, userId: string, seq: number): Promise<DeviceReachRow[]>;
};

export type ChatWrites = {
  /** The pair's chat with both members; false when the pair had one already (two first messages at once: one insert wins). */
  createChat(chat: Pick<ChatRow, "id" | "userLow" | "userHigh" | "createdAt">): Promise<boolean>;
  /** `revAt`: when it moved (`revMovedAt`), for cluster order. */
  setChatRev(chatId: string, rev: number, revAt: number): Promise<void>;
  /** Writes a changed message (text, edited, deleted, rev, changed at). */
  updateMessage(message: MessageRow): Promise<void>;
  /** Sets `userId`'s one reaction; false when it was that emoji already (nothing changed). */
  setReaction(reaction: ReactionRow): Promise<boolean>;
  /** False when there was none. */
  removeReaction(messageId: string, userId: string): Promise<boolean>;
  removeReactions(messageId: string): Promise<void>;
  /** Adds `by` (0 or 1) to the member's count of hides, locking their row until the commit; returns the count, 0 when not a member. */
  countHide(chatId: string, userId: string, by: 0 | 1): Promise<number>;
  insertHidden(row: HiddenRow): Promise<void>;
  setSettings(chatId: string, userId: string, settings: MemberSettingsRow): Promise<void>;
};

/** A member's settings change: its own statement per engine. */
export type SettingsStatements = {
  /**
   * Orders one person's settings changes until the commit (PostgreSQL locks their users row;
   * SQLite's writer holds the only write lock already), so two pins at once cannot both pass the limit.
   */
  lockPerson(userId: string): Promise<void>;
};

/**
 * The statements of a batch of sends, each taking the whole batch: on PostgreSQL every method is
 * one round trip (array parameters), so a batch costs the same number of round trips whatever its
 * size; on SQLite there are no round trips, and a prepared statement per row is the cheapest form.
 */
export type BatchStatements = {
  /** These chats with whether their pair is connected, locked until the commit (in id order, so two writers never wait on each other in a cycle). */
  lockChats(ids: string[]): Promise<LockedChat[]>;
  /** Messages stored already under these (sender, client id) pairs. */
  earlier(keys: SendKey[]): Promise<MessageRow[]>;
  /** Messages by id, with their first attachment's kind (what a reply quotes). */
  replyTargets(ids: string[]): Promise<ReplyTarget[]>;
  attachments(ids: string[]): Promise<AttachmentRow[]>;
  /** Fails, and with it the transaction, when a (sender, client id) is stored already (a resend raced in beside this transaction). */
  insertMessages(rows: MessageRow[]): Promise<void>;
  /** A SEND claims its attachments in its own transaction: the message and what it carries commit together. */
  linkAttachments(links: AttachmentLink[]): Promise<void>;
  /** Sets counters computed under the chats' locks and the chats' activity (`now`), and each member's sent count up by what they sent. */
  updateChats(now: number, rows: ChatUpdate[]): Promise<void>;
  // A batch of one chat's receipts (receipts.ts):
  /** These people's rows in the chat (those who never were in it are not there). */
  membersOf(chatId: string, userIds: string[]): Promise<MemberRow[]>;
  /** Each of these devices' latest watermarks in the chat (its newest device_receipts row), by session id; a device with none is not there. */
  deviceMarksOf(chatId: string, sessionIds: string[]): Promise<Map<string, DeviceMarks>>;
  /** Members' new watermarks and, in a 1-1 chat, how many of the peer's messages are at or below the seen one (each member at most once). */
  setReceipts(chatId: string, members: Pick<MemberRow, "userId" | "deliveredSeq" | "seenSeq" | "peerSeen">[]): Promise<void>;
  /** Records advances of devices' watermarks (the same one twice: once). */
  addDeviceReceipts(rows: DeviceReceiptRow[]): Promise<void>;
};

export type SendKey = { senderId: string; clientId: string };
export type ReplyTarget = MessageRow & { kind: "image" | "file" | null };
export type AttachmentLink = { id: string; messageId: string; position: number };
/** A chat's counters after a batch of sends; `revAt`: when its rev moved (`revMovedAt`). */
export type ChatUpdate = {
  id: string;
  lastSeq: number;
  rev: number;
  revAt: number;
  lastMessageId: string;
  /** Messages of this batch the pair's low and high member sent. */
  lowSent: number;
  highSent: number;
};

/**
 * A chat's messages changed after `rev`, for SYNC: the new ones are among its newest `lastSeq - rev`
 * seqs (each new message moved rev by one), the older changed ones are in the partial index of
 * changed messages (migration 0004). Both ranges are small however long the chat is.
 */
export type ChangesAfter = { chatId: string; rev: number; lastSeq: number; chatRev: number };

/** Which messages a render covers: fixed statement texts, so every one of them is prepared once. */
export type Selector = { by: "seqRange"; chatId: string; from: number; to: number } | { by: "changes"; changes: ChangesAfter } | { by: "id"; id: string };
