import { MUTE_DURATIONS_MS, MUTED_ALWAYS, type ChatSettings, type ChatSettingsRequest } from "@easyqr/protocol";
import type { MemberSettingsRow } from "./rows.ts";

/** A member's settings row as the protocol shows it. */
export function settingsView(row: MemberSettingsRow): ChatSettings {
  return {
    pinnedAt: row.pinnedAt,
    archivedAt: row.archivedAt,
    mutedUntil: row.mutedUntil,
    markedUnread: Boolean(row.markedUnread),
    rev: row.settingsRev,
  };
}

/**
 * The settings after a change at `now`, or undefined when it changes nothing. As WhatsApp: pinning
 * takes a chat out of the archive, archiving unpins it; a mute counts from `now`.
 */
export function changedSettings(row: MemberSettingsRow, change: ChatSettingsRequest, now: number): MemberSettingsRow | undefined {
  const next = { ...row };
  if (change.archived !== undefined) next.archivedAt = change.archived ? (row.archivedAt ?? now) : null;
  if (change.archived === true) next.pinnedAt = null;
  if (change.pinned !== undefined) next.pinnedAt = change.pinned ? (row.pinnedAt ?? now) : null;
  if (change.pinned === true) next.archivedAt = null;
  if (change.mute !== undefined)
    next.mutedUntil = change.mute === "off" ? null : change.mute === "always" ? MUTED_ALWAYS : now + MUTE_DURATIONS_MS[change.mute];
  if (change.markedUnread !== undefined) next.markedUnread = change.markedUnread ? 1 : 0;
  const same =
    next.pinnedAt === row.pinnedAt &&
    next.archivedAt === row.archivedAt &&
    next.mutedUntil === row.mutedUntil &&
    Boolean(next.markedUnread) === Boolean(row.markedUnread);
  return same ? undefined : { ...next, settingsRev: row.settingsRev + 1 };
}
