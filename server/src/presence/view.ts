import type { Presence } from "@easyqr/protocol";
import type { UsersTable } from "../db/schema.ts";

export type PresenceSubject = Pick<UsersTable, "id" | "lastSeenAt" | "lastSeenHiddenAt">;
export type PresenceViewer = Pick<UsersTable, "lastSeenHiddenAt">;

/**
 * What `viewer` sees of `subject` (a connection: callers check that). Last seen shows only when
 * neither side hides it: hiding yours hides everyone's from you too, as in WhatsApp. While online it is null.
 */
export function presenceFor(online: boolean, subject: PresenceSubject, viewer: PresenceViewer): Presence {
  const hidden = subject.lastSeenHiddenAt !== null || viewer.lastSeenHiddenAt !== null;
  return { online, lastSeen: online || hidden ? null : subject.lastSeenAt };
}
