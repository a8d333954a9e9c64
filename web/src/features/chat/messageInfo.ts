import type { DeviceReceipt, MessageInfo } from "@easyqr/protocol";
import { sameDay, timeLabel } from "./messageText.ts";

/** One of the recipient's devices as Message info shows it. */
export type DeviceLine = {
  name: string;
  /** Platform, and whether the device is still linked; empty when there is nothing to add. */
  detail: string;
  /** "Delivered 10:02 · Read 10:05" beside the name. */
  times: string;
  /** The whole sentence, for screen readers: "Delivered to Chrome on Linux 10:02 · Read on Chrome on Linux 10:05". */
  sentence: string;
  read: boolean;
};

export const GONE_DEVICE = "A device that is no longer linked";
/** A linked device that did not say what it is at sign-in (an API client). */
export const UNNAMED_DEVICE = "Unnamed device";

/** The hour today; the day too for anything older ("Yesterday 10:02", "3 Mar 10:02"). */
export function receiptTime(at: number, now: number, locale?: string): string {
  const time = timeLabel(at, locale);
  if (sameDay(at, now)) return time;
  if (sameDay(at, now - 24 * 60 * 60_000)) return `Yesterday ${time}`;
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: sameYear ? undefined : "numeric" }).format(at);
  return `${day} ${time}`;
}

export function deviceLine(device: DeviceReceipt, now: number, locale?: string): DeviceLine {
  const name = device.deviceName ?? (device.linked ? UNNAMED_DEVICE : GONE_DEVICE);
  // "Chrome on Linux" says its platform already.
  const platform = device.platform && !name.includes(device.platform) ? device.platform : null;
  const detail = [platform, device.deviceName !== null && !device.linked ? "no longer linked" : null].filter(Boolean).join(" · ");
  const delivered = receiptTime(device.deliveredAt, now, locale);
  const read = device.readAt === null ? null : receiptTime(device.readAt, now, locale);
  const times = `Delivered ${delivered} · ${read === null ? "Not read yet" : `Read ${read}`}`;
  const on = name === GONE_DEVICE || name === UNNAMED_DEVICE ? name.charAt(0).toLowerCase() + name.slice(1) : name;
  const sentence = `Delivered to ${on} ${delivered} · ${read === null ? `Not read on ${on} yet` : `Read on ${on} ${read}`}`;
  return { name, detail, times, sentence, read: read !== null };
}

export function deviceLines(info: MessageInfo, now: number, locale?: string): DeviceLine[] {
  return info.devices.map((device) => deviceLine(device, now, locale));
}

/** One member of a group as Message info shows them. */
export type MemberLine = { userId: string; name: string; times: string; read: boolean; delivered: boolean };

/** A group message's receipts per member (the server's order: read first, then delivered, then the rest). */
export function memberLines(info: MessageInfo, names: (userId: string) => string, now: number, locale?: string): MemberLine[] {
  return (info.members ?? []).map((m) => {
    const delivered = m.deliveredAt === null ? null : receiptTime(m.deliveredAt, now, locale);
    const read = m.readAt === null ? null : receiptTime(m.readAt, now, locale);
    const times = delivered === null ? "Not delivered yet" : `Delivered ${delivered} · ${read === null ? "Not read yet" : `Read ${read}`}`;
    return { userId: m.userId, name: names(m.userId), times, read: read !== null, delivered: delivered !== null };
  });
}
