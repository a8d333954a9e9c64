import type { Chat, Message, ReplyPreview } from "@easyqr/protocol";
import { profileFor } from "../access/profiles.ts";
import { attachmentView } from "../attachments/view.ts";
import type { AttachmentRow, ChatViewRow, MessageRow, ReactionRow } from "./rows.ts";
import type { Sql } from "./sql.ts";

/** Reads of the chat tables, rendered as the protocol's views; every change goes through ChatService. */

// send.ts imports it from here.

/** How much of the original a reply quotes. */
const PREVIEW_CHARS = 200;

/**
 * Which messages a render covers, as a condition on `m` (messages) with its parameters: fixed
 * statement texts, so every one of them is prepared once.
 */
export type Selector =
  | { by: "seqRange"; chatId: string; from: number; to: number }
  | { by: "changes"; changes: ChangesAfter }
  | { by: "id"; id: string };

function condition(s: Selector): { where: string; params: unknown[] } {
  if (s.by === "seqRange") return { where: "m.chat_id = ? and m.seq between ? and ?", params: [s.chatId, s.from, s.to] };
  if (s.by === "changes") return { where: `m.id in (${changesOf("id", "union all")})`, params: changesParams(s.changes) };
  return { where: "m.id = ?", params: [s.id] };
}

/**
 * A chat's messages changed after `rev`, for SYNC: the new ones are among its newest `lastSeq - rev`
 * seqs (each new message moved rev by one), the older changed ones are in the partial index of
 * changed messages (migration 0004). Both ranges are small however long the chat is.
 */
export type ChangesAfter = { chatId: string; rev: number; lastSeq: number; chatRev: number };

const changesOf = (columns: string, union: string) =>
  `select ${columns} from messages where chat_id = ? and seq > ? and rev > ? ${union} select ${columns} from messages where chat_id = ? and changed_at is not null and rev > ?`;

function changesParams(c: ChangesAfter): unknown[] {
  return [c.chatId, Math.max(0, c.lastSeq - (c.chatRev - c.rev)), c.rev, c.chatId, c.rev];
}

export function changedMessages(q: Sql, changes: ChangesAfter): Promise<MessageRow[]> {
  return q.all<MessageRow>(`${changesOf("*", "union")} order by rev`, ...changesParams(changes));
}

type ReplyRow = { reply_id: string; id: string; seq: number; sender_id: string; text: string | null; deleted_at: number | null; kind: "image" | "file" | null };

/** Messages with their attachments, reactions and reply previews (three statements for the whole set). */
export async function renderMessages(q: Sql, rows: MessageRow[], selector: Selector): Promise<Message[]> {
  if (rows.length === 0) return [];
  const { where, params } = condition(selector);
  const hasReplies = rows.some((r) => r.reply_to_id !== null);
  const [attachments, reactions, replies] = await Promise.all([
    q.all<AttachmentRow>(`select a.* from messages m join attachments a on a.message_id = m.id where ${where} order by a.message_id, a.position`, ...params),
    q.all<ReactionRow>(`select r.* from messages m join reactions r on r.message_id = m.id where ${where} order by r.created_at, r.user_id`, ...params),
    hasReplies
      ? q.all<ReplyRow>(
          `select o.id as reply_id, o.id, o.seq, o.sender_id, o.text, o.deleted_at,
             (select a.kind from attachments a where a.message_id = o.id order by a.position limit 1) as kind
           from messages m join messages o on o.id = m.reply_to_id where ${where}`,
          ...params,
        )
      : Promise.resolve([]),
  ]);
  const attachmentsOf = groupBy(attachments, (a) => a.message_id ?? "");
  const reactionsOf = groupBy(reactions, (r) => r.message_id);
  const replyOf = new Map(replies.map((r) => [r.reply_id, r]));
  return rows.map((row) => {
    const reply = row.reply_to_id ? replyOf.get(row.reply_to_id) : undefined;
    return messageView(row, {
      attachments: (attachmentsOf.get(row.id) ?? []).map(attachmentView),
      reactions: (reactionsOf.get(row.id) ?? []).map((r) => ({ userId: r.user_id, emoji: r.emoji, at: r.created_at })),
      replyTo: reply ? replyPreview(reply, reply.kind) : null,
    });
  });
}

export async function messageById(q: Sql, id: string): Promise<Message | undefined> {
  const row = await q.get<MessageRow>("select * from messages where id = ?", id);
  return row ? (await renderMessages(q, [row], { by: "id", id }))[0] : undefined;
}

export function messageView(row: MessageRow, parts: Pick<Message, "attachments" | "reactions" | "replyTo">): Message {
  return {
    id: row.id,
    chatId: row.chat_id,
    seq: row.seq,
    rev: row.rev,
    senderId: row.sender_id,
    clientId: row.client_id,
    text: row.text,
    replyTo: parts.replyTo,
    attachments: parts.attachments,
    reactions: parts.reactions,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
  };
}

export function replyPreview(original: Pick<MessageRow, "id" | "seq" | "sender_id" | "text" | "deleted_at">, kind: "image" | "file" | null): ReplyPreview {
  const deleted = original.deleted_at !== null;
  return {
    id: original.id,
    seq: original.seq,
    senderId: original.sender_id,
    text: deleted || original.text === null ? null : original.text.slice(0, PREVIEW_CHARS),
    attachment: deleted ? null : kind,
    deleted,
  };
}

// ---- Chats --------------------------------------------------------------------------

const chatColumns = `c.*, me.delivered_seq, me.seen_seq, me.unread, me.activity_at,
  them.delivered_seq as their_delivered_seq, them.seen_seq as their_seen_seq,
  u.id as peer_id, u.name as peer_name, u.username as peer_username, u.bio as peer_bio, u.bio_visibility as peer_bio_visibility, u.avatar_id as peer_avatar_id,
  exists(select 1 from connections k where k.user_low = c.user_low and k.user_high = c.user_high) as connected`;
const chatFrom = `chat_members me join chats c on c.id = me.chat_id
  join chat_members them on them.chat_id = c.id and them.user_id <> me.user_id
  join users u on u.id = them.user_id`;

export function chatRow(q: Sql, userId: string, chatId: string): Promise<ChatViewRow | undefined> {
  return q.get<ChatViewRow>(`select ${chatColumns} from ${chatFrom} where me.user_id = ? and me.chat_id = ?`, userId, chatId);
}

/** The user's chats with messages, latest activity first, older than `before`; chats tied on the last one's time come along. */
export async function chatRows(q: Sql, userId: string, before: number, limit: number): Promise<ChatViewRow[]> {
  const rows = await q.all<ChatViewRow>(
    `select ${chatColumns} from ${chatFrom} where me.user_id = ? and me.activity_at < ? and c.last_seq > 0 order by me.activity_at desc, me.chat_id limit ?`,
    userId,
    before,
    limit,
  );
  const last = rows.at(-1);
  if (!last || rows.length < limit) return rows;
  const ties = await q.all<ChatViewRow>(
    `select ${chatColumns} from ${chatFrom} where me.user_id = ? and me.activity_at = ? and c.last_seq > 0 order by me.chat_id`,
    userId,
    last.activity_at,
  );
  const seen = new Set(rows.map((r) => r.id));
  return [...rows, ...ties.filter((t) => !seen.has(t.id))];
}

/** Every chat of the user that changed after rev 0 (SYNC looks at each). */
export function changedChatRows(q: Sql, userId: string): Promise<ChatViewRow[]> {
  return q.all<ChatViewRow>(`select ${chatColumns} from ${chatFrom} where me.user_id = ? and c.rev > 0 order by me.activity_at desc`, userId);
}

export async function chatView(q: Sql, row: ChatViewRow): Promise<Chat> {
  const connected = Boolean(row.connected);
  const peer = { id: row.peer_id, name: row.peer_name, username: row.peer_username, bio: row.peer_bio, bioVisibility: row.peer_bio_visibility, avatarId: row.peer_avatar_id };
  return {
    id: row.id,
    peer: profileFor(peer, connected ? "connection" : "stranger"),
    connected,
    lastSeq: row.last_seq,
    rev: row.rev,
    lastMessage: row.last_message_id ? ((await messageById(q, row.last_message_id)) ?? null) : null,
    unread: row.unread,
    mine: { deliveredSeq: row.delivered_seq, seenSeq: row.seen_seq },
    theirs: { deliveredSeq: row.their_delivered_seq, seenSeq: row.their_seen_seq },
    activityAt: row.activity_at,
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
