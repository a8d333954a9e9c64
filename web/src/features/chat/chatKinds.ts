import type { Chat, ContactCard } from "@easyqr/protocol";

/**
 * A chat as a card to show (name and photo): the peer of a 1-1 chat, or the group's name and photo.
 * Until the group screens are built, a group shows through the same rows and header as a person.
 */
export function chatCard(chat: Chat): ContactCard {
  if (chat.kind === "direct") return chat.peer;
  return { id: chat.id, name: chat.group.name, username: null, bio: null, avatar: chat.group.avatar };
}

/** The other person of a 1-1 chat; undefined for a group. */
export function peerOf(chat: Chat): ContactCard | undefined {
  return chat.kind === "direct" ? chat.peer : undefined;
}

/** Whether this person may write in the chat: a 1-1 chat while connected, a group while a member (an admin, when only admins send). */
export function canWrite(chat: Chat): boolean {
  if (chat.kind === "direct") return chat.connected;
  return chat.role === "admin" || (chat.role === "member" && !chat.group.settings.onlyAdminsSend);
}
