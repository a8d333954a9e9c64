import type { PhoneSnapshot } from "./phoneLink.ts";

export type PhoneBanner = { headline: string; detail: string; tone: "ok" | "warn" } | null;

/**
 * The phone's top bar once linked. It says "Connected" only while the desktop is there too, so
 * the phone and the desktop never disagree (the desktop says it is waiting for the phone meanwhile).
 */
export function phoneBanner(snapshot: Pick<PhoneSnapshot, "view" | "socket">): PhoneBanner {
  const { view, socket } = snapshot;
  if (view.kind !== "connected") return null;
  if (socket !== "ready") return { headline: "Reconnecting…", detail: "Offline — scans are kept and sent when back", tone: "warn" };
  if (!view.desktopOnline) return { headline: "Desktop away", detail: "Scans are kept and go to the desktop when it is back", tone: "warn" };
  return { headline: "Connected", detail: "Scans go to the desktop", tone: "ok" };
}
