import { isMuted } from "@easyqr/protocol";
import type { Atom } from "jotai";
import type { ChatsState } from "../chat/chatState.ts";
import { displayName, previewText } from "../chat/messageText.ts";
import { unreadTotal } from "../chat/unread.ts";
import type { DesktopBridge, DesktopNotification } from "./bridge.ts";
import { chatCard } from "../chat/chatKinds.ts";

/** What a notification may say, and when. */
export type AlertOptions = {
  /** Off: the body says "New message" instead of the text (Settings → Notifications → Show previews). */
  previews: boolean;
  /** Mutes are compared with this time. */
  now: number;
};

/** The body of a notification whose preview is hidden. */
export const HIDDEN_PREVIEW = "New message";

/**
 * One notification per chat whose newest message is new since `before`, from the peer, not seen
 * yet, and in a chat that is not muted. A chat that was not known before counts only when its
 * message is newer than all that was (a first message, not a chat list page loading older chats).
 * The first state after sign-in (no `before`) announces nothing: that is the backlog, which the
 * badge shows. An archived chat still notifies unless muted (as WhatsApp). In a group, a message
 * that mentions the person notifies even when the group is muted; system lines never notify.
 */
export function newMessageNotifications(
  before: ChatsState | undefined,
  after: ChatsState | undefined,
  options: AlertOptions = { previews: true, now: Date.now() },
): DesktopNotification[] {
  if (!before || !after || before.me !== after.me) return [];
  const newestBefore = Math.max(0, ...Object.values(before.chats).map((chat) => chat.activityAt));
  const notifications: DesktopNotification[] = [];
  for (const chat of Object.values(after.chats)) {
    const message = chat.lastMessage;
    if (!message || message.senderId === after.me || message.deletedAt !== null || message.system || chat.unread === 0) continue;
    if (isMuted(chat.settings, options.now) && !message.mentions.includes(after.me)) continue;
    const known = before.chats[chat.id];
    if (known ? message.seq <= known.lastSeq : message.createdAt <= newestBefore) continue;
    notifications.push({ tag: chat.id, title: displayName(chatCard(chat)), body: options.previews ? previewText(message, after.me) : HIDDEN_PREVIEW });
  }
  return notifications;
}

export type ChatsSource = {
  get: (atom: Atom<ChatsState | undefined>) => ChatsState | undefined;
  sub: (atom: Atom<ChatsState | undefined>, listener: () => void) => () => void;
};

/** Where alerts go: the desktop app's bridge, or the browser's (browserAlerts.ts). */
export type AlertSink = Pick<DesktopBridge, "showNotification" | "setBadgeCount">;

/** When to stay quiet and what to say, asked at each change. */
export type AlertPolicy = {
  /** No notification for this chat now (e.g. the window has the focus and shows it). */
  quiet: (chatId: string) => boolean;
  previews: () => boolean;
  now?: () => number;
};

/**
 * Keeps a sink told: the badge follows the unread total (muted and archived chats not counted),
 * and each new message becomes a notification unless the policy keeps its chat quiet. Returns the
 * unsubscribe.
 */
export function followChats(store: ChatsSource, chats: Atom<ChatsState | undefined>, sink: AlertSink, policy: AlertPolicy): () => void {
  let previous = store.get(chats);
  let badge: number | undefined;
  const update = () => {
    const next = store.get(chats);
    const now = (policy.now ?? Date.now)();
    const count = unreadTotal(next, now);
    if (count !== badge) {
      badge = count;
      sink.setBadgeCount(count).catch(warn);
    }
    for (const notification of newMessageNotifications(previous, next, { previews: policy.previews(), now })) {
      if (!policy.quiet(notification.tag)) sink.showNotification(notification).catch(warn);
    }
    previous = next;
  };
  update();
  return store.sub(chats, update);
}

function warn(error: unknown): void {
  console.warn("easyqr: a notification or badge call was refused", error);
}
