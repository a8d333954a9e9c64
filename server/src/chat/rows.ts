import type { BioVisibility } from "@easyqr/protocol";
import type { Selectable } from "kysely";
import type { AttachmentsTable, ChatMembersTable, ChatsTable, DeviceReceiptsTable, HiddenMessagesTable, MessagesTable, ReactionsTable } from "../db/schema.ts";

// Rows of the chat tables as the chat store returns them: the schema's types (its statements name each column as these do).

export type ChatRow = Selectable<ChatsTable>;
export type MemberRow = Pick<
  Selectable<ChatMembersTable>,
  "chatId" | "userId" | "deliveredSeq" | "seenSeq" | "peerSeen" | "activityAt" | "role" | "fromSeq" | "leftSeq" | "leftRev"
>;
export type HiddenRow = HiddenMessagesTable;
export type MessageRow = Selectable<MessagesTable>;
/**
 * A history page's message as its answer's JSON: `json` is the protocol's Message, final when the
 * row is `bare` (no reply, no system line) and the page holds no attachment or reaction for it.
 * Otherwise `renderHistory` fills it in: `replyTo` holds the id of the message replied to, and the
 * attachments and reactions come from statements over the page. SQLite writes it (json_object);
 * on PostgreSQL the store writes it from the row (`messageJsonOf`), see postgres.ts.
 */
export type HistoryRow = { seq: number; bare: number | boolean; json: string };
/** A chat with how many messages the reader deleted for themselves in it (null: not a member). */
export type ReaderChatRow = ChatRow & { readerHidden: number | null };
export type AttachmentRow = Omit<AttachmentsTable, "storageKey" | "createdAt">;
export type ReactionRow = ReactionsTable;
export type DeviceReceiptRow = DeviceReceiptsTable;
/** A device's watermarks in a chat. */
export type DeviceMarks = Pick<DeviceReceiptsTable, "deliveredSeq" | "seenSeq">;
/** When one device of the reader first reached a message, with what its session says of it now (all null once the session row is gone). */
export type DeviceReachRow = {
  sessionId: string;
  deliveredAt: number;
  readAt: number | null;
  deviceName: string | null;
  devicePlatform: string | null;
  revokedAt: number | null;
  expiresAt: number | null;
  known: boolean;
};

/** A chat with whether its pair is connected (and a group's "only admins send"): what the access rule (access/chats.ts) needs to let a member write. */
export type LockedChat = ChatRow & { connected: boolean; onlyAdminsSend: boolean };

/** A person's current (or last) stay in a group, as the send path and the access rule need it. */
export type GroupMemberRow = Pick<Selectable<ChatMembersTable>, "chatId" | "userId" | "role" | "fromSeq">;

/** A chat with both members' state and the peer's card, as one member sees it. */
export type ChatViewRow = ChatRow & {
  deliveredSeq: number;
  seenSeq: number;
  unread: number;
  activityAt: number;
  /** How many messages the reader deleted for themselves here. */
  hidden: number;
  theirDeliveredSeq: number;
  theirSeenSeq: number;
  /** The peer of a 1-1 chat (null in a group). */
  peerId: string | null;
  peerName: string | null;
  peerUsername: string | null;
  peerBio: string | null;
  peerBioVisibility: BioVisibility | null;
  peerAvatarId: string | null;
  connected: boolean;
  /** A group's card and the reader's place in it (null in a 1-1 chat). */
  role: "member" | "admin" | null;
  fromSeq: number;
  leftSeq: number | null;
  leftRev: number | null;
  groupName: string | null;
  groupDescription: string | null;
  groupAvatarId: string | null;
  onlyAdminsSend: number | null;
  onlyAdminsEdit: number | null;
  groupCreatedBy: string | null;
  memberCount: number | null;
} & MemberSettingsRow;

/** A member's own settings of a chat (pin, archive, mute, marked unread) and the count of their changes. */
export type MemberSettingsRow = Pick<ChatMembersTable, "pinnedAt" | "archivedAt" | "mutedUntil" | "markedUnread" | "settingsRev">;
