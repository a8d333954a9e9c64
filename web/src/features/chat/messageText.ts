import { DELETE_WINDOW_MS, EDIT_WINDOW_MS } from "@easyqr/protocol";
import type { Chat, Message, ReplyPreview } from "@easyqr/protocol";

/** How the chat screens name a person: their name, else their username. */
export const displayName = (user: { name: string | null; username: string | null }) => user.name ?? user.username ?? "Someone";

/** What a chat row says of a message: its text, or Photo / File, or that it was deleted. */
export function previewText(message: Pick<Message, "text" | "attachments" | "deletedAt" | "senderId">, me: string): string {
  const mine = message.senderId === me;
  if (message.deletedAt !== null) return mine ? "You deleted this message" : "This message was deleted";
  const text = message.text?.trim() ?? "";
  const first = message.attachments[0];
  const body = text || (first?.kind === "image" ? "Photo" : first ? `File: ${first.name}` : "");
  return mine ? `You: ${body}` : body;
}

/** The line a reply quotes. */
export function quoteText(reply: ReplyPreview): string {
  if (reply.deleted) return "Deleted message";
  if (reply.text) return reply.text;
  return reply.attachment === "image" ? "Photo" : reply.attachment === "file" ? "File" : "";
}

export type Tick = "pending" | "failed" | "sent" | "delivered" | "seen";

/** Ticks on my message from the peer's watermarks. */
export function tickOf(chat: Pick<Chat, "theirs">, message: Pick<Message, "seq">): Tick {
  if (message.seq <= chat.theirs.seenSeq) return "seen";
  if (message.seq <= chat.theirs.deliveredSeq) return "delivered";
  return "sent";
}

export const tickLabel: Record<Tick, string> = { pending: "Sending", failed: "Not sent", sent: "Sent", delivered: "Delivered", seen: "Seen" };

export function canEdit(message: Message, me: string, now: number): boolean {
  return message.senderId === me && message.deletedAt === null && !!message.text && now - message.createdAt < EDIT_WINDOW_MS;
}

export function canDelete(message: Message, me: string, now: number): boolean {
  return message.senderId === me && message.deletedAt === null && now - message.createdAt < DELETE_WINDOW_MS;
}

const dayKey = (t: number) => new Intl.DateTimeFormat("en-CA").format(t);

export function sameDay(a: number, b: number): boolean {
  return dayKey(a) === dayKey(b);
}

/** "Today", "Yesterday", "Monday 3 March", "3 March 2024": the separator above a day's first message. */
export function dayLabel(at: number, now: number, locale?: string): string {
  if (sameDay(at, now)) return "Today";
  if (sameDay(at, now - 24 * 60 * 60_000)) return "Yesterday";
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  const recent = now - at < 6 * 24 * 60 * 60_000;
  return new Intl.DateTimeFormat(locale, {
    weekday: recent ? "long" : undefined,
    day: "numeric",
    month: "long",
    year: sameYear ? undefined : "numeric",
  }).format(at);
}

export function timeLabel(at: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(at);
}

/** The chat row's time: the hour today, the weekday this week, else the date. */
export function listTime(at: number, now: number, locale?: string): string {
  if (sameDay(at, now)) return timeLabel(at, locale);
  if (now - at < 6 * 24 * 60 * 60_000) return new Intl.DateTimeFormat(locale, { weekday: "short" }).format(at);
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" }).format(at);
}

/** Reactions counted per emoji, in the order first used, with whether I am among them. */
export function reactionCounts(message: Pick<Message, "reactions">, me: string): { emoji: string; count: number; mine: boolean }[] {
  const counts = new Map<string, { emoji: string; count: number; mine: boolean }>();
  for (const r of [...message.reactions].sort((a, b) => a.at - b.at)) {
    const entry = counts.get(r.emoji) ?? { emoji: r.emoji, count: 0, mine: false };
    entry.count += 1;
    entry.mine ||= r.userId === me;
    counts.set(r.emoji, entry);
  }
  return [...counts.values()];
}
