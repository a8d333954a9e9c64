import type { Presence } from "@easyqr/protocol";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The line under a contact's name: "online", "last seen 5 minutes ago", "last seen yesterday at 14:05".
 * `lastSeen` is null when they hide it, when you hide yours, or when they were never seen: then just "offline".
 */
export function presenceText(presence: Presence, now: number, options: { locale?: string; timeZone?: string } = {}): string {
  if (presence.online) return "online";
  const seen = presence.lastSeen;
  if (seen === null) return "offline";
  const ago = Math.max(0, now - seen);
  if (ago < MINUTE) return "last seen just now";
  if (ago < HOUR) {
    const minutes = Math.floor(ago / MINUTE);
    return `last seen ${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  }
  const time = new Intl.DateTimeFormat(options.locale, { hour: "2-digit", minute: "2-digit", timeZone: options.timeZone }).format(seen);
  const day = (t: number) => new Intl.DateTimeFormat("en-CA", { timeZone: options.timeZone }).format(t);
  if (day(seen) === day(now)) return `last seen today at ${time}`;
  if (day(seen) === day(now - DAY)) return `last seen yesterday at ${time}`;
  const sameYear = new Date(seen).getFullYear() === new Date(now).getFullYear();
  const date = new Intl.DateTimeFormat(options.locale, {
    day: "numeric",
    month: "short",
    year: sameYear ? undefined : "numeric",
    timeZone: options.timeZone,
  }).format(seen);
  return `last seen ${date}`;
}

/** When the text above changes next, so a list re-renders only then (at most once a minute). */
export function nextChangeIn(presence: Presence, now: number): number | null {
  if (presence.online || presence.lastSeen === null) return null;
  const ago = now - presence.lastSeen;
  if (ago >= HOUR) return MINUTE * 10;
  return MINUTE - (ago % MINUTE);
}
