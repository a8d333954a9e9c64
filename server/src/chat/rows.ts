import type { BioVisibility } from "@easyqr/protocol";
import type { AttachmentsTable, ChatMembersTable, ChatsTable, MessagesTable, ReactionsTable } from "../db/schema.ts";

// Rows of the chat tables as the chat store returns them: the schema's types (its statements name each column as these do).

export type ChatRow = ChatsTable;
export type MemberRow = Pick<ChatMembersTable, "chatId" | "userId" | "deliveredSeq" | "seenSeq" | "unread" | "activityAt">;
export type MessageRow = MessagesTable;
export type AttachmentRow = Omit<AttachmentsTable, "storageKey" | "createdAt">;
export type ReactionRow = ReactionsTable;

/** A chat with whether its pair is connected: what the access rule (access/chats.ts) needs to let a member write. */
export type LockedChat = ChatRow & { connected: boolean };

/** A chat with both members' state and the peer's card, as one member sees it. */
export type ChatViewRow = ChatRow & {
  deliveredSeq: number;
  seenSeq: number;
  unread: number;
  activityAt: number;
  theirDeliveredSeq: number;
  theirSeenSeq: number;
  peerId: string;
  peerName: string | null;
  peerUsername: string | null;
  peerBio: string | null;
  peerBioVisibility: BioVisibility;
  peerAvatarId: string | null;
  connected: boolean;
};
