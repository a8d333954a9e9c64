import { avatarOf, SystemEvent, type Chat, type DeviceReceipt, type GroupCard, type Message, type ReplyPreview } from "@easyqr/protocol";
import { profileFor } from "../access/profiles.ts";
import { attachmentView } from "../attachments/view.ts";
import type { ChatViewRow, DeviceReachRow, HistoryRow, MessageRow } from "./rows.ts";
import { settingsView } from "./settings.ts";
import type { GroupStatements } from "./store/groups.ts";
import type { ChatReads, Selector } from "./store/store.ts";

/** The chat tables rendered as the protocol's views (from the store's rows); every change goes through ChatService. */

/** How much of the original a reply quotes. */
const PREVIEW_CHARS = 200;

/** A message's attachments, reactions and reply preview, as its view carries them. */
type MessageParts = Pick<Message, "attachments" | "reactions" | "replyTo">;

/**
 * The attachments, reactions and replied-to messages of a set of messages (three statements for the
 * whole set; the replies only when `withReplies`), and each message's parts from them. A message
 * deleted for everyone shows no attachments: their rows go after its commit (AttachmentService),
 * its reactions with it.
 */
async function messageParts(q: ChatReads, selector: Selector, withReplies: boolean) {
  const [attachments, reactions, replies] = await Promise.all([
    q.attachmentsOf(selector),
    q.reactionsOf(selector),
    withReplies ? q.repliedTo(selector) : Promise.resolve([]),
  ]);
  const attachmentsOf = groupBy(attachments, (a) => a.messageId ?? "");
  const reactionsOf = groupBy(reactions, (r) => r.messageId);
  const replyOf = new Map(replies.map((r) => [r.id, r]));
  return {
    /** Whether any message of the set has an attachment or a reaction. */
    any: attachments.length > 0 || reactions.length > 0,
    of(id: string, deleted: boolean, replyToId: string | null): MessageParts {
      const reply = replyToId ? replyOf.get(replyToId) : undefined;
      return {
        attachments: deleted ? [] : (attachmentsOf.get(id) ?? []).map(attachmentView),
        reactions: (reactionsOf.get(id) ?? []).map((r) => ({ userId: r.userId, emoji: r.emoji, at: r.createdAt })),
        replyTo: reply ? replyPreview(reply, reply.kind) : null,
      };
    },
  };
}

/** Messages with their attachments, reactions and reply previews. */
export async function renderMessages(q: ChatReads, rows: MessageRow[], selector: Selector): Promise<Message[]> {
  if (rows.length === 0) return [];
  const parts = await messageParts(
    q,
    selector,
    rows.some((r) => r.replyToId !== null),
  );
  return rows.map((row) => messageView(row, parts.of(row.id, row.deletedAt !== null, row.replyToId)));
}

/**
 * A history page's messages as JSON texts (`HistoryRow`): the database's own where the row is bare
 * and nothing carries to it (most pages: all of them), else read, filled in as `renderMessages`
 * does, and written again.
 */
export async function renderHistory(q: ChatReads, rows: HistoryRow[], selector: Selector): Promise<string[]> {
  if (rows.length === 0) return [];
  const parts = await messageParts(q, selector, !rows.every((r) => r.bare));
  return rows.map((row) => {
    if (row.bare && !parts.any) return row.json;
    // As written: `replyTo` is the id replied to, `system` the stored line, unchecked.
    const message = JSON.parse(row.json) as Omit<Message, "replyTo" | "system"> & { replyTo: string | null; system: unknown };
    const filled: Message = {
      ...message,
      ...parts.of(message.id, message.deletedAt !== null, message.replyTo),
      system: message.system === null ? null : SystemEvent.parse(message.system),
    };
    return JSON.stringify(filled);
  });
}

/** A history row written from the message's row, as SQLite's statement writes it (store/shared.ts `messageJson`). */
export function messageJsonOf(row: MessageRow): HistoryRow {
  const bare = row.replyToId === null && row.system === null;
  const written = { ...messageView({ ...row, system: null }, { attachments: [], reactions: [], replyTo: null }), replyTo: row.replyToId };
  return { seq: row.seq, bare, json: JSON.stringify(row.system === null ? written : { ...written, system: JSON.parse(row.system) as unknown }) };
}

export async function messageById(q: ChatReads, id: string): Promise<Message | undefined> {
  const row = await q.message(id);
  return row ? (await renderMessages(q, [row], { by: "id", id }))[0] : undefined;
}

export function messageView(row: MessageRow, parts: Pick<Message, "attachments" | "reactions" | "replyTo">): Message {
  return {
    id: row.id,
    chatId: row.chatId,
    seq: row.seq,
    rev: row.rev,
    senderId: row.senderId,
    clientId: row.clientId,
    text: row.text,
    replyTo: parts.replyTo,
    attachments: parts.attachments,
    reactions: parts.reactions,
    createdAt: row.createdAt,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    forwarded: row.forwarded === 1,
    system: row.system === null ? null : SystemEvent.parse(JSON.parse(row.system)),
    mentions: row.mentions === null ? [] : (JSON.parse(row.mentions) as string[]),
  };
}

export function replyPreview(original: Pick<MessageRow, "id" | "seq" | "senderId" | "text" | "deletedAt">, kind: "image" | "file" | null): ReplyPreview {
  const deleted = original.deletedAt !== null;
  return {
    id: original.id,
    seq: original.seq,
    senderId: original.senderId,
    text: deleted || original.text === null ? null : original.text.slice(0, PREVIEW_CHARS),
    attachment: deleted ? null : kind,
    deleted,
  };
}

// ---- Chats --------------------------------------------------------------------------

/** The user's chats with messages, latest activity first, older than `before`; chats tied on the last one's time come along. */
export async function chatRows(q: ChatReads, userId: string, before: number, limit: number): Promise<ChatViewRow[]> {
  const rows = await q.chatViewsBefore(userId, before, limit);
  const last = rows.at(-1);
  if (!last || rows.length < limit) return rows;
  const ties = await q.chatViewsAt(userId, last.activityAt);
  const seen = new Set(rows.map((r) => r.id));
  return [...rows, ...ties.filter((t) => !seen.has(t.id))];
}

/** The chat as its member `readerId` sees it: the preview is their newest message not deleted for themselves. */
export async function chatView(q: ChatReads & Pick<GroupStatements, "personName">, row: ChatViewRow, readerId: string): Promise<Chat> {
  const last = await lastMessage(q, row, readerId);
  const common = {
    id: row.id,
    lastSeq: row.lastSeq,
    rev: row.rev,
    lastMessage: last,
    ...chatMarks(row),
    activityAt: row.activityAt,
    hidden: Number(row.hidden),
    settings: settingsView(row),
  };
  if (row.kind === "group") {
    // Derived, not counted (ADR 0008): sending moves one's own seen mark, so what is after it is others'.
    const lastSenderName = last && last.senderId !== readerId ? await q.personName(last.senderId) : null;
    return { ...common, kind: "group", group: groupCard(row), role: row.role, unread: Math.max(0, row.lastSeq - row.seenSeq), lastSenderName };
  }
  const { connected } = row;
  if (row.peerId === null || row.peerBioVisibility === null) throw new Error(`chat ${row.id} has no peer`);
  const peer = {
    id: row.peerId,
    name: row.peerName,
    username: row.peerUsername,
    bio: row.peerBio,
    bioVisibility: row.peerBioVisibility,
    avatarId: row.peerAvatarId,
  };
  return { ...common, kind: "direct", peer: profileFor(peer, connected ? "connection" : "stranger"), connected, unread: row.unread };
}

/** A group's card from its chat view row. */
export function groupCard(row: ChatViewRow): GroupCard {
  return {
    name: row.groupName ?? "",
    description: row.groupDescription,
    avatar: avatarOf(row.groupAvatarId),
    memberCount: Number(row.memberCount ?? 0),
    settings: { onlyAdminsSend: row.onlyAdminsSend === 1, onlyAdminsEdit: row.onlyAdminsEdit === 1 },
    createdBy: row.groupCreatedBy ?? "",
    createdAt: Number(row.createdAt),
  };
}

async function lastMessage(q: ChatReads, row: ChatViewRow, readerId: string): Promise<Message | null> {
  if (!row.lastMessageId) return null;
  // Most members never hide one: then the chat's last message is theirs too, and no scan is needed
  // (a former group member's is their last before leaving).
  if (Number(row.hidden) === 0 && row.leftSeq === null) return (await messageById(q, row.lastMessageId)) ?? null;
  const shown = await q.lastShown(row.id, readerId);
  return shown ? ((await renderMessages(q, [shown], { by: "id", id: shown.id }))[0] ?? null) : null;
}

/** One device's receipts of a message: a session that was logged out, ran out, or whose row is gone, is no longer linked. */
export function deviceReceiptView(row: DeviceReachRow, now: number): DeviceReceipt {
  return {
    deviceName: row.deviceName,
    platform: row.devicePlatform,
    linked: row.known && row.revokedAt === null && (row.expiresAt === null || Number(row.expiresAt) > now),
    deliveredAt: row.deliveredAt,
    readAt: row.readAt,
  };
}

/** Both members' watermarks, as the chat's reader sees them. */
export function chatMarks(row: ChatViewRow): Pick<Chat, "mine" | "theirs"> {
  return { mine: { deliveredSeq: row.deliveredSeq, seenSeq: row.seenSeq }, theirs: { deliveredSeq: row.theirDeliveredSeq, seenSeq: row.theirSeenSeq } };
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
