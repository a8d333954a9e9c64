import type { Atom } from "jotai";
import type { ChatsState } from "../chat/chatState.ts";
import { displayName, previewText } from "../chat/messageText.ts";
import { unreadTotal } from "../chat/unread.ts";
import type { DesktopBridge, DesktopNotification } from "./bridge.ts";

/**
 * One notification per chat whose newest message is new since `before`, from the peer, and not
 * seen yet. A chat that was not known before counts only when its message is newer than all that
 * was (a first message, not a chat list page loading older chats). The first state after sign-in
 * (no `before`) announces nothing: that is the backlog, which the badge shows.
 */
export function newMessageNotifications(before: ChatsState | undefined, after: ChatsState | undefined): DesktopNotification[] {
  if (!before || !after || before.me !== after.me) return [];
  const newestBefore = Math.max(0, ...Object.values(before.chats).map((chat) => chat.activityAt));
  const notifications: DesktopNotification[] = [];
  for (const chat of Object.values(after.chats)) {
    const message = chat.lastMessage;
    if (!message || message.senderId === after.me || message.deletedAt !== null || chat.unread === 0) continue;
    const known = before.chats[chat.id];
    if (known ? message.seq <= known.lastSeq : message.createdAt <= newestBefore) continue;
    notifications.push({ tag: chat.id, title: displayName(chat.peer), body: previewText(message, after.me) });
  }
  return notifications;
}

export type ChatsSource = {
  get: (atom: Atom<ChatsState | undefined>) => ChatsState | undefined;
  sub: (atom: Atom<ChatsState | undefined>, listener: () => void) => () => void;
};

/**
 * Keeps the desktop app told: the badge follows the unread total, and each new message that
 * arrives while the page does not have the focus becomes a notification. Returns the unsubscribe.
 */
export function followChats(store: ChatsSource, chats: Atom<ChatsState | undefined>, bridge: DesktopBridge, focused: () => boolean): () => void {
  let previous = store.get(chats);
  let badge: number | undefined;
  const update = () => {
    const next = store.get(chats);
    const count = unreadTotal(next);
    if (count !== badge) {
      badge = count;
      bridge.setBadgeCount(count).catch(warn);
    }
    if (!focused()) {
      for (const notification of newMessageNotifications(previous, next)) bridge.showNotification(notification).catch(warn);
    }
    previous = next;
  };
  update();
  return store.sub(chats, update);
}

function warn(error: unknown): void {
  console.warn("easyqr: the desktop app refused a call", error);
}
