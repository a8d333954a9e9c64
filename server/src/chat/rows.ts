import type { BioVisibility } from "@easyqr/protocol";
import type { AttachmentsTable, ChatMembersTable, ChatsTable, DeviceReceiptsTable, HiddenMessagesTable, MessagesTable, ReactionsTable } from "../db/schema.ts";

// Rows of the chat tables as the chat store returns them: the schema's types (its statements name each column as these do).

export type ChatRow = ChatsTable;
export type MemberRow = Pick<ChatMembersTable, "chatId" | "userId" | "deliveredSeq" | "seenSeq" | "unread" | "activityAt">;
export type HiddenRow = HiddenMessagesTable;
export type MessageRow = MessagesTable;
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

/** A chat with whether its pair is connected: what the access rule (access/chats.ts) needs to let a member write. */
export type LockedChat = ChatRow & { connected: boolean };

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
  peerId: string;
  peerName: string | null;
  peerUsername: string | null;
  peerBio: string | null;
  peerBioVisibility: BioVisibility;
  peerAvatarId: string | null;
  connected: boolean;
} & MemberSettingsRow;

/** A member's own settings of a chat (pin, archive, mute, marked unread) and the count of their changes. */
export type MemberSettingsRow = Pick<ChatMembersTable, "pinnedAt" | "archivedAt" | "mutedUntil" | "markedUnread" | "settingsRev">;
