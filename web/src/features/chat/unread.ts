import { countsAsUnread } from "./chatFolders.ts";
import type { ChatsState } from "./chatState.ts";

/** Unread messages over the loaded chats that are neither muted (at `now`) nor archived: the tab title's and the desktop app icon's number. */
export function unreadTotal(state: ChatsState | undefined, now: number): number {
  if (!state) return 0;
  let total = 0;
  for (const chat of Object.values(state.chats)) if (countsAsUnread(chat, now)) total += chat.unread;
  return total;
}

/** The tab's title, with the unread count in front as WhatsApp Web and Telegram Web show it. */
export function tabTitle(unread: number): string {
  return unread > 0 ? `(${unread.toLocaleString("en")}) EasyQR` : "EasyQR";
}
