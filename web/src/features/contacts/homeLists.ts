import type { Connection } from "@easyqr/protocol";
import type { ChatsState } from "../chat/chatState.ts";

/** The connections home lists under Contacts: those without a chat yet (the others are under Chats). Until the chats are known, all of them. */
export function contactsWithoutChat(connections: readonly Connection[], chats: ChatsState | undefined): Connection[] {
  if (!chats) return [...connections];
  const chatting = new Set(Object.values(chats.chats).flatMap((c) => (c.kind === "direct" ? [c.peer.id] : [])));
  return connections.filter((c) => !chatting.has(c.user.id));
}
