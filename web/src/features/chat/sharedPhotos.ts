import type { Attachment, Message } from "@easyqr/protocol";
import type { ChatsState } from "./chatState.ts";
import { peerOf } from "./chatKinds.ts";

/** The photos of the loaded history, newest first (deleted messages have none left to show). */
export function sharedPhotos(messages: readonly Message[], max = 24): Attachment[] {
  const photos: Attachment[] = [];
  for (let i = messages.length - 1; i >= 0 && photos.length < max; i--) {
    const message = messages[i];
    if (!message || message.deletedAt !== null) continue;
    for (const attachment of message.attachments) if (attachment.kind === "image" && photos.length < max) photos.push(attachment);
  }
  return photos;
}

/** The id of the chat with this person, if there is one. */
export function chatWith(state: ChatsState | undefined, userId: string): string | undefined {
  return state ? Object.values(state.chats).find((c) => peerOf(c)?.id === userId)?.id : undefined;
}
