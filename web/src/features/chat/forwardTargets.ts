import type { Chat, Connection } from "@easyqr/protocol";
import { displayName } from "./messageText.ts";

/** Someone a message can be forwarded to: a connection, with their chat when there is one (made on forward otherwise). */
export type ForwardTarget = { userId: string; name: string; username: string | null; chatId: string | undefined; user: Connection["user"] };

/**
 * Every connection (only connections can be written to), the most recently active chats first,
 * then the rest by name; filtered by the start of a word of the name or the username.
 */
export function forwardTargets(connections: readonly Connection[], chats: readonly Chat[], filter: string): ForwardTarget[] {
  const chatOf = new Map(chats.flatMap((c) => (c.kind === "direct" && c.connected ? [[c.peer.id, c] as const] : [])));
  const words = filter.toLowerCase().trim().split(/\s+/).filter(Boolean);
  return connections
    .map((c) => ({ userId: c.user.id, name: displayName(c.user), username: c.user.username, chatId: chatOf.get(c.user.id)?.id, user: c.user }))
    .filter((t) => {
      if (words.length === 0) return true;
      const parts = [...t.name.toLowerCase().split(/\s+/), (t.username ?? "").toLowerCase()];
      return words.every((w) => parts.some((p) => p.startsWith(w)));
    })
    .sort((a, b) => {
      const activity = (chatOf.get(b.userId)?.activityAt ?? 0) - (chatOf.get(a.userId)?.activityAt ?? 0);
      return activity || a.name.localeCompare(b.name);
    });
}
