import * as z from "zod/mini";
import { ContactCard } from "./contacts.ts";
import { GroupCard, GroupRole, MAX_MENTIONS, MemberReceipt, SystemEvent } from "./groups.ts";
import { ClientId } from "./scan.ts";
import { bounded, personText } from "./text.ts";
import { UserId } from "./users.ts";

/**
 * Chats: 1-1 (`kind: "direct"`) and groups (`kind: "group"`, groups.ts). Two counters per chat make every client able to catch up exactly:
 * - `seq` numbers the chat's messages 1, 2, 3 … with no gaps (receipts and unread count use it);
 * - `rev` counts every change in the chat (a new message, an edit, a delete, a reaction). Each
 *   message carries the `rev` of its last change, so "everything after rev R" is one indexed query.
 * Live events carry the new `rev`; a client that sees one skip a number asks to SYNC that chat.
 */

export const ChatId = z.uuid();
export const MessageId = z.uuid();
export const AttachmentId = z.uuid();

/** Longest message text, in characters. */
export const MAX_TEXT_CHARS = 4096;
/** Largest attachment, in bytes (checked from Content-Length before the upload is read). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** Attachments one message may carry. */
export const MAX_ATTACHMENTS = 10;
/** The sender may edit a message this long after sending it. */
export const EDIT_WINDOW_MS = 15 * 60_000;
/** The sender may delete a message for everyone this long after sending it. */
export const DELETE_WINDOW_MS = 48 * 60 * 60_000;
/** A typing indicator shows this long unless renewed (clients renew about every 3 s while typing). */
export const TYPING_TTL_MS = 6_000;
/** Most messages a SYNC answer carries for one chat; further behind, the chat answers `resync`. */
export const SYNC_MAX_CHANGES = 1_000;
/** Most chats one SYNC frame may name (the frame stays under 64 KB). */
export const SYNC_MAX_CHATS = 500;
/** Largest history page. */
export const MAX_PAGE = 100;

export const MessageText = personText("a message", MAX_TEXT_CHARS, { lines: true });
/** One emoji (a grapheme of up to 8 code points, e.g. 👍🏽 or 👨‍👩‍👧). */
export const Emoji = bounded(32, "a reaction is one emoji").check(
  z.regex(/^\p{Extended_Pictographic}/u, "a reaction is one emoji"),
  z.refine((text) => [...new Intl.Segmenter().segment(text)].length === 1, "a reaction is one emoji"),
);

export const AttachmentKind = z.enum(["image", "file"]);
export type AttachmentKind = z.infer<typeof AttachmentKind>;

/**
 * An uploaded file. Its bytes are fetched with the Authorization header (never a token in the
 * URL): `GET url` and, for images, `GET thumbUrl`; only members of the chat get them.
 */
export const Attachment = z.object({
  id: z.string(),
  kind: AttachmentKind,
  /** The file's name as uploaded (sanitised). */
  name: z.string(),
  mime: z.string(),
  size: z.int().check(z.nonnegative()),
  /** Images: pixel size after re-encoding. */
  width: z.nullable(z.int().check(z.positive())),
  height: z.nullable(z.int().check(z.positive())),
  url: z.string(),
  thumbUrl: z.nullable(z.string()),
});
export type Attachment = z.infer<typeof Attachment>;

/** One reaction per user per message; reacting again replaces it. */
export const Reaction = z.object({ userId: z.string(), emoji: z.string(), at: z.int() });
export type Reaction = z.infer<typeof Reaction>;

/** What a reply quotes of its original, as it was when the reply was read. */
export const ReplyPreview = z.object({
  id: z.string(),
  seq: z.int().check(z.positive()),
  senderId: z.string(),
  /** The start of the text; null when the original was deleted. */
  text: z.nullable(z.string()),
  /** The original's first attachment kind, to show "Photo" or "File" when it has no text. */
  attachment: z.nullable(AttachmentKind),
  deleted: z.boolean(),
});
export type ReplyPreview = z.infer<typeof ReplyPreview>;

export const Message = z.object({
  id: z.string(),
  chatId: z.string(),
  seq: z.int().check(z.positive()),
  /** The chat's `rev` at this message's last change. */
  rev: z.int().check(z.positive()),
  senderId: z.string(),
  /** The sender's id for it (the SEND frame's id): resending it never makes a second message. */
  clientId: z.string(),
  /** Empty when the message is only attachments; null once deleted. */
  text: z.nullable(z.string()),
  replyTo: z.nullable(ReplyPreview),
  attachments: z.array(Attachment),
  reactions: z.array(Reaction),
  createdAt: z.int(),
  editedAt: z.nullable(z.int()),
  /** Set when deleted for everyone: text and attachments are gone, the message stays as a tombstone. */
  deletedAt: z.nullable(z.int()),
  /** A copy of another message (FORWARD): shown "Forwarded", nothing says whose or from where. */
  forwarded: z.boolean(),
  /** Groups: a system line (a join, a leave, a rename …), with empty text; null for what a person wrote. */
  system: z.nullable(SystemEvent),
  /** Groups: members the message mentions (`@name`); each is notified even when the group is muted. */
  mentions: z.array(z.string()),
});
export type Message = z.infer<typeof Message>;

/** Receipt watermarks of one member: every message up to this seq was delivered to / seen by them. */
export const Receipts = z.object({ deliveredSeq: z.int().check(z.nonnegative()), seenSeq: z.int().check(z.nonnegative()) });
export type Receipts = z.infer<typeof Receipts>;

/** Most chats one person may pin (as WhatsApp: 3); pinning one more answers CHAT_PIN_LIMIT. */
export const MAX_PINNED_CHATS = 3;
/** `mutedUntil` of a chat muted "always": the largest time a Date holds. */
export const MUTED_ALWAYS = 8_640_000_000_000_000;
/** How long each mute choice lasts. */
export const MUTE_DURATIONS_MS = { "8h": 8 * 60 * 60_000, "1w": 7 * 24 * 60 * 60_000 } as const;

/**
 * One member's own settings for a chat; nobody else sees them. `rev` counts this member's changes
 * to them (they move no chat `rev`): SYNC compares it as it compares `receiptsMark`.
 */
export const ChatSettings = z.object({
  /** Pinned chats come first in the list, the latest pinned first. */
  pinnedAt: z.nullable(z.int()),
  /** Archived chats leave the list for its "Archived" entry; a new message keeps them there (WhatsApp's "Keep chats archived"). */
  archivedAt: z.nullable(z.int()),
  /** No notification, and not counted in the title or badge, until this time (`MUTED_ALWAYS`: for good). */
  mutedUntil: z.nullable(z.int()),
  /** "Mark as unread": a dot in the list until the chat is opened. */
  markedUnread: z.boolean(),
  rev: z.int().check(z.nonnegative()),
});
export type ChatSettings = z.infer<typeof ChatSettings>;

/** Whether the chat is muted at `now`. */
export function isMuted(settings: Pick<ChatSettings, "mutedUntil">, now: number): boolean {
  return settings.mutedUntil !== null && settings.mutedUntil > now;
}

/** What every chat has, as one member sees it. */
const ChatBase = z.object({
  id: z.string(),
  lastSeq: z.int().check(z.nonnegative()),
  rev: z.int().check(z.nonnegative()),
  lastMessage: z.nullable(Message),
  /** Messages from the peer this user has not seen. */
  unread: z.int().check(z.nonnegative()),
  /** This user's watermarks. */
  mine: Receipts,
  /** The peer's watermarks (a group: the lowest of the other members'): ticks on this user's messages. */
  theirs: Receipts,
  /** When the chat last had a new message (or was created); the chat list is ordered by it. */
  activityAt: z.int(),
  /** How many messages this user deleted for themselves here: the mark a SYNC cursor names (`hidden`). */
  hidden: z.int().check(z.nonnegative()),
  /** This member's pin, archive, mute and "mark as unread". */
  settings: ChatSettings,
});

/** A 1-1 chat. */
export const DirectChat = z.extend(ChatBase, {
  kind: z.literal("direct"),
  /** The other member. */
  peer: ContactCard,
  /** Whether they are still connected (only connections can send). */
  connected: z.boolean(),
});
export type DirectChat = z.infer<typeof DirectChat>;

/**
 * A group. `theirs` is the aggregate over the other current members (the lowest of their
 * watermarks): a message is read by everyone once `theirs.seenSeq` reaches it. `unread` counts
 * every message after `mine.seenSeq` but one's own, system lines included.
 */
export const GroupChat = z.extend(ChatBase, {
  kind: z.literal("group"),
  group: GroupCard,
  /** This person's role; null once they left or were removed (the chat stays, read-only, up to then). */
  role: z.nullable(GroupRole),
  /** The name now of who wrote `lastMessage` (the list's "Ada: see you"); null for one's own, none, or a person with no name. */
  lastSenderName: z.nullable(z.string()),
});
export type GroupChat = z.infer<typeof GroupChat>;

/** A chat as one member sees it. */
export const Chat = z.discriminatedUnion("kind", [DirectChat, GroupChat]);
export type Chat = z.infer<typeof Chat>;

// ---- REST ---------------------------------------------------------------------

export const ChatIdParams = z.strictObject({ chatId: ChatId });
export const AttachmentIdParams = z.strictObject({ attachmentId: AttachmentId });

/** `POST /api/chats`: the 1-1 chat with a connection (made on first use). */
export const OpenChatRequest = z.strictObject({ userId: UserId });
export type OpenChatRequest = z.infer<typeof OpenChatRequest>;

/**
 * `PATCH /api/chats/:chatId/settings`: any of pin, archive, mute and mark unread (at least one).
 * Pinning unarchives and archiving unpins, as WhatsApp does. `mute: "off"` unmutes.
 */
export const ChatSettingsRequest = z
  .strictObject({
    pinned: z.optional(z.boolean()),
    archived: z.optional(z.boolean()),
    mute: z.optional(z.enum(["8h", "1w", "always", "off"])),
    markedUnread: z.optional(z.boolean()),
  })
  .check(
    z.refine((r) => Object.keys(r).length > 0, "name a setting to change"),
    z.refine((r) => !(r.pinned === true && r.archived === true), "an archived chat cannot be pinned"),
  );
export type ChatSettingsRequest = z.infer<typeof ChatSettingsRequest>;

/**
 * `GET /api/chats?before=<activityAt>`: chats with messages, latest activity first (the first page,
 * without `before`, also brings every pinned chat, wherever its activity falls). Query values
 * arrive as text and are coerced; `<number>` makes a client's typed input a number, not `unknown`.
 */
export const ChatListQuery = z.strictObject({
  before: z.optional(z.pipe(z.coerce.number<number>(), z.int().check(z.positive()))),
  limit: z._default(z.pipe(z.coerce.number<number>(), z.int().check(z.gte(1), z.lte(MAX_PAGE))), 50),
});
export type ChatListQuery = z.infer<typeof ChatListQuery>;
export const ChatList = z.object({
  chats: z.array(Chat),
  /** Pass as `before` for the next page; null at the end. */
  next: z.nullable(z.int()),
});
export type ChatList = z.infer<typeof ChatList>;

/**
 * `GET /api/chats/:chatId/messages`: without cursors the newest page; `before=<seq>` the page
 * older than seq; `after=<seq>` the page newer than seq; `around=<seq>` a page with seq in its
 * middle (opening a chat at a search hit). Messages are oldest first.
 */
export const HistoryQuery = z
  .strictObject({
    before: z.optional(z.pipe(z.coerce.number<number>(), z.int().check(z.positive()))),
    after: z.optional(z.pipe(z.coerce.number<number>(), z.int().check(z.nonnegative()))),
    around: z.optional(z.pipe(z.coerce.number<number>(), z.int().check(z.positive()))),
    limit: z._default(z.pipe(z.coerce.number<number>(), z.int().check(z.gte(1), z.lte(MAX_PAGE))), 50),
  })
  .check(z.refine((q) => [q.before, q.after, q.around].filter((c) => c !== undefined).length <= 1, "give one of before, after or around"));
export type HistoryQuery = z.infer<typeof HistoryQuery>;
export const HistoryPage = z.object({
  messages: z.array(Message),
  /** More messages exist beyond this page in the direction asked (`around`: older ones). */
  more: z.boolean(),
  /**
   * The highest seq this page accounts for. Messages the reader deleted for themselves are left
   * out, so a page may end before the chat's last seq with nothing missing: the ones between are
   * hidden. A client appends a live message right after `through`, not only after the last shown.
   */
  through: z.int().check(z.nonnegative()),
  /** `around` only: newer messages exist after this page. */
  moreAfter: z.optional(z.boolean()),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

/** `GET /api/chats/:chatId/messages/:messageId/info`. */
export const MessageInfoParams = z.strictObject({ chatId: ChatId, messageId: MessageId });

/**
 * One device (sign-in session) of the recipient that got a message: when its own watermarks first
 * reached it. `deviceName` and `platform` are what the device said at sign-in (null when it said
 * nothing or its session is gone); `linked` is false once it was logged out or removed.
 */
export const DeviceReceipt = z.object({
  deviceName: z.nullable(z.string()),
  platform: z.nullable(z.string()),
  linked: z.boolean(),
  deliveredAt: z.int(),
  readAt: z.nullable(z.int()),
});
export type DeviceReceipt = z.infer<typeof DeviceReceipt>;

/**
 * Receipts of one's own message. A 1-1 chat: per device of the peer, first delivered first. A
 * group: `devices` is empty and `members` lists every other current member, read first, then
 * delivered, then the rest.
 */
export const MessageInfo = z.object({ messageId: z.string(), devices: z.array(DeviceReceipt), members: z.optional(z.array(MemberReceipt)) });
export type MessageInfo = z.infer<typeof MessageInfo>;

// ---- Socket frames, client → server -----------------------------------------------

/** A new message. Its `id` is the client message id: the ACK carries the stored message, and resending the same id returns the same message. */
export const SendFrame = z
  .strictObject({
    type: z.literal("SEND"),
    id: ClientId,
    chatId: ChatId,
    text: z._default(MessageText, ""),
    replyToId: z.optional(MessageId),
    /** Uploaded with `POST /api/chats/:chatId/attachments` first. */
    attachmentIds: z.optional(z.array(AttachmentId).check(z.maxLength(MAX_ATTACHMENTS))),
    /** Groups: members this message mentions (others are dropped); ignored in 1-1 chats. */
    mentions: z.optional(z.array(UserId).check(z.maxLength(MAX_MENTIONS))),
  })
  .check(z.refine((f) => f.text.trim().length > 0 || (f.attachmentIds?.length ?? 0) > 0, "a message needs text or an attachment"));

export const EditFrame = z.strictObject({
  type: z.literal("EDIT"),
  id: ClientId,
  messageId: MessageId,
  text: MessageText.check(z.refine((t) => t.trim().length > 0, "text cannot be empty")),
});
export const DeleteFrame = z.strictObject({ type: z.literal("DELETE"), id: ClientId, messageId: MessageId });
/**
 * Forwards a message (text and attachments, marked `forwarded`) to one chat: one frame per target,
 * each with its own `id`, which works as a SEND's (the ACK carries the new message; resending the
 * id answers it again). Attachments are not uploaded again: the new message's attachment rows
 * point at the same stored files. A message the sender may not read is MESSAGE_NOT_FOUND.
 */
export const ForwardFrame = z.strictObject({ type: z.literal("FORWARD"), id: ClientId, messageId: MessageId, chatId: ChatId });
/**
 * Deletes a message for this user only, on all their devices (any message of their chats, at any
 * age). The peer keeps it. Hiding it again answers the same.
 */
export const HideFrame = z.strictObject({ type: z.literal("HIDE"), id: ClientId, messageId: MessageId });
/** `emoji: null` takes this user's reaction away. */
export const ReactFrame = z.strictObject({ type: z.literal("REACT"), id: ClientId, messageId: MessageId, emoji: z.nullable(Emoji) });

/** Receipts: every message up to `seq` reached this device / was shown. Never moves a watermark back. */
export const DeliveredFrame = z.strictObject({ type: z.literal("DELIVERED"), id: z.optional(ClientId), chatId: ChatId, seq: z.int().check(z.nonnegative()) });
export const SeenFrame = z.strictObject({ type: z.literal("SEEN"), id: z.optional(ClientId), chatId: ChatId, seq: z.int().check(z.nonnegative()) });

/** Sent while the user types (about every 3 s) and once with `typing: false` when they stop. */
export const TypingFrame = z.strictObject({ type: z.literal("TYPING"), chatId: ChatId, typing: z.boolean() });

/**
 * What a client knows of one chat. `receipts` (optional): `receiptsMark(chat)` of the chat as the
 * client holds it; read state moves without moving `rev` (another device of the user read the
 * chat, the peer read it), and a chat whose mark differs comes back in the answer too.
 */
export const ChatCursor = z.strictObject({
  chatId: ChatId,
  rev: z.int().check(z.nonnegative()),
  receipts: z.optional(z.int().check(z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER))),
  /** The chat's `hidden` as the client holds it: the answer names the messages hidden after it. */
  hidden: z.optional(z.int().check(z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER))),
  /** `settings.rev` as the client holds it: settings changed elsewhere move no `rev`, so a chat whose settings rev differs comes back too. */
  settings: z.optional(z.int().check(z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER))),
});

/**
 * One number for a chat's read state: the sum of both members' watermarks. Each only grows, so
 * the sum differs from the server's exactly when one of them moved (and with it the unread count,
 * which changes only with a new message, i.e. `rev`, or one's own `seenSeq`).
 */
export function receiptsMark(chat: Pick<Chat, "mine" | "theirs">): number {
  return chat.mine.deliveredSeq + chat.mine.seenSeq + chat.theirs.deliveredSeq + chat.theirs.seenSeq;
}
/**
 * Catch up after a reconnect or a gap: the answer (ACK `sync`) has every chat of the user whose
 * rev is past the client's, with the changed messages in rev order (chats not named count as rev 0).
 */
export const SyncFrame = z.strictObject({ type: z.literal("SYNC"), id: ClientId, chats: z.array(ChatCursor).check(z.maxLength(SYNC_MAX_CHATS)) });

// ---- Socket events, server → client -------------------------------------------------

/** One chat in a SYNC answer. `resync`: too far behind (or unknown) — drop cached messages of this chat and load history. */
export const ChatSync = z.object({
  chat: Chat,
  changes: z.array(Message),
  resync: z.boolean(),
  /** Messages this user deleted for themselves since the cursor's `hidden` (on another device, or this one before a crash): drop them. */
  hidden: z.array(z.string()),
});
export type ChatSync = z.infer<typeof ChatSync>;
/** `removed`: chats the client named (with a rev) that are gone for it (the peer deleted their account): drop them. */
export const SyncResult = z.object({ chats: z.array(ChatSync), removed: z.optional(z.array(z.string())) });
export type SyncResult = z.infer<typeof SyncResult>;

/** A new message in a chat (to every socket of both members except the one that sent it, which gets the ACK). */
export const MessageEvent = z.object({ type: z.literal("MESSAGE"), message: Message });
/** A message changed: edited, deleted for everyone, or its reactions changed. */
export const MessageUpdatedEvent = z.object({ type: z.literal("MESSAGE_UPDATED"), message: Message });
/**
 * What deleting a message for oneself changed (the HIDE ack, and MESSAGE_HIDDEN to the user's other
 * sockets; never to the peer): the message to drop, the chat's new `hidden` count and its last
 * message as this user now sees it (the chat list's preview).
 */
export const MessageHidden = z.object({
  chatId: z.string(),
  messageId: z.string(),
  hidden: z.int().check(z.nonnegative()),
  lastMessage: z.nullable(Message),
});
export type MessageHidden = z.infer<typeof MessageHidden>;
export const MessageHiddenEvent = z.extend(MessageHidden, { type: z.literal("MESSAGE_HIDDEN") });
/**
 * A member's watermarks moved. To the reader's own devices it also says their unread count. In a
 * group it goes to the reader's own devices only; the others hear GROUP_RECEIPT when the aggregate moves.
 */
export const ReceiptEvent = z.object({
  type: z.literal("RECEIPT"),
  chatId: z.string(),
  userId: z.string(),
  receipts: Receipts,
  unread: z.optional(z.int().check(z.nonnegative())),
});
/** This member changed a chat's settings (on any of their devices): to every socket of theirs, never to the peer. */
export const ChatSettingsEvent = z.object({ type: z.literal("CHAT_SETTINGS"), chatId: z.string(), settings: ChatSettings });
/**
 * `userId` is typing until `until` (ms since epoch) unless a later event says otherwise. In a group
 * several may type at once: "Ada is typing…", "3 people are typing…".
 */
export const TypingEvent = z.object({ type: z.literal("TYPING"), chatId: z.string(), userId: z.string(), typing: z.boolean(), until: z.int() });

// ---- Group events, server → client -------------------------------------------------

/** A group's card changed (name, description, photo, settings, member count): to every current member, encoded once. */
export const GroupUpdatedEvent = z.object({ type: z.literal("GROUP_UPDATED"), chatId: z.string(), group: GroupCard });
/**
 * This person's membership changed (created, added, joined, approved, removed, left, made or no
 * longer admin): the chat as they now see it, to all their sockets. `role: null` means no longer
 * a member: nothing more of the group reaches them.
 */
export const GroupMembershipEvent = z.object({ type: z.literal("GROUP_MEMBERSHIP"), chat: Chat });
/** The group's aggregate ticks moved (the lowest watermarks of the members): to every current member, at most every 250 ms (keep the higher). */
export const GroupReceiptEvent = z.object({ type: z.literal("GROUP_RECEIPT"), chatId: z.string(), theirs: Receipts });
/** To a group's admins: how many join requests wait now (someone asked, or an admin answered one). */
export const GroupJoinRequestsEvent = z.object({ type: z.literal("GROUP_JOIN_REQUESTS"), chatId: z.string(), pending: z.int().check(z.nonnegative()) });
