import type { BioVisibility } from "@easyqr/protocol";
import type { AttachmentsTable, ChatMembersTable, ChatsTable, MessagesTable, ReactionsTable } from "../db/schema.ts";

// Rows of the chat tables as the raw statements in this folder return them (snake_case), derived from the schema.

/** `lastSeq` → `last_seq`: a column's name as raw SQL returns it. */
type Snake<S extends string> = S extends `${infer Head}${infer Tail}` ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${Snake<Tail>}` : S;
/** A table's row as the raw statements return it: the schema's columns, snake_case. */
type RowOf<Table> = { [Column in keyof Table as Snake<Column & string>]: Table[Column] };

export type ChatRow = RowOf<ChatsTable>;
export type MemberRow = RowOf<Pick<ChatMembersTable, "chatId" | "userId" | "deliveredSeq" | "seenSeq" | "unread" | "activityAt">>;
export type MessageRow = RowOf<MessagesTable>;
export type AttachmentRow = RowOf<Omit<AttachmentsTable, "storageKey" | "createdAt">>;
export type ReactionRow = RowOf<ReactionsTable>;

/** A chat with both members' state and the peer's card, as one member sees it. */
export type ChatViewRow = ChatRow & {
  delivered_seq: number;
  seen_seq: number;
  unread: number;
  activity_at: number;
  their_delivered_seq: number;
  their_seen_seq: number;
  peer_id: string;
  peer_name: string | null;
  peer_username: string | null;
  peer_bio: string | null;
  peer_bio_visibility: BioVisibility;
  peer_avatar_id: string | null;
  connected: number | boolean;
};
