/** Rows of the chat tables as the raw statements in this folder return them (snake_case). */

export type ChatRow = {
  id: string;
  user_low: string;
  user_high: string;
  created_at: number;
  last_seq: number;
  rev: number;
  last_message_id: string | null;
};

export type MemberRow = { chat_id: string; user_id: string; delivered_seq: number; seen_seq: number; unread: number; activity_at: number };

export type MessageRow = {
  id: string;
  chat_id: string;
  seq: number;
  rev: number;
  sender_id: string;
  client_id: string;
  text: string | null;
  reply_to_id: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
};

export type AttachmentRow = {
  id: string;
  chat_id: string;
  uploader_id: string;
  message_id: string | null;
  position: number;
  kind: "image" | "file";
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  thumb_key: string | null;
};

export type ReactionRow = { message_id: string; user_id: string; emoji: string; created_at: number };

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
  peer_avatar_id: string | null;
  connected: number | boolean;
};
