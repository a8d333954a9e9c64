import { isMuted, type Chat } from "@easyqr/protocol";
import type { ChatsState } from "./chatState.ts";

/** Which part of the list: the chats, or those archived (behind the list's "Archived" entry). */
export type Folder = "chats" | "archived";

const archived = (chat: Chat) => chat.settings.archivedAt !== null;

/**
 * The chat list as WhatsApp orders it: pinned chats first (the latest pinned on top), then the
 * rest by latest activity. Archived chats are only in the archive, which is ordered by activity.
 */
export function chatList(state: ChatsState, folder: Folder = "chats"): Chat[] {
  const pinnedAt = (chat: Chat) => (folder === "chats" ? (chat.settings.pinnedAt ?? 0) : 0);
  return Object.values(state.chats)
    .filter((chat) => archived(chat) === (folder === "archived"))
    .sort((a, b) => pinnedAt(b) - pinnedAt(a) || b.activityAt - a.activityAt || a.id.localeCompare(b.id));
}

/** Every chat, archived or not, latest activity first (search, forwarding, the offline prefetch). */
export function allChats(state: ChatsState): Chat[] {
  return Object.values(state.chats).sort((a, b) => b.activityAt - a.activityAt || a.id.localeCompare(b.id));
}

/** What the "Archived" entry shows: how many chats, and how many of them have unread messages (muted ones not counted). */
export function archiveSummary(state: ChatsState, now: number): { chats: number; unread: number } {
  let chats = 0;
  let unread = 0;
  for (const chat of Object.values(state.chats)) {
    if (!archived(chat)) continue;
    chats++;
    if ((chat.unread > 0 || chat.settings.markedUnread) && !isMuted(chat.settings, now)) unread++;
  }
  return { chats, unread };
}

/** Whether a chat's unread messages count in the tab title and the app badge: not when muted or archived (as WhatsApp). */
export function countsAsUnread(chat: Chat, now: number): boolean {
  return !archived(chat) && !isMuted(chat.settings, now);
}
