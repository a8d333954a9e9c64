import { atom } from "jotai";
import * as z from "zod/mini";
import { browserStorage, readJson, writeJson } from "../../api/storage.ts";

const KEY = "easyqr.notifications";

/** This browser's notification choices (Settings → Notifications), kept in localStorage. */
export const NotificationSettings = z.object({
  /** Off: notifications say "New message", not the text. */
  previews: z.boolean(),
  /** A short tone with each notification. */
  sound: z.boolean(),
  /** The one-time "Turn on notifications" prompt was answered or dismissed. */
  promptDone: z.boolean(),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

const defaults: NotificationSettings = { previews: true, sound: true, promptDone: false };
const storage = browserStorage("local");

const stored = atom<NotificationSettings>({ ...defaults, ...readJson(storage, KEY, z.partial(NotificationSettings)) });

/** Read like any atom; set with a partial change, which is saved at once. */
export const notificationSettingsAtom = atom(
  (get) => get(stored),
  (get, set, change: Partial<NotificationSettings>) => {
    const next = { ...get(stored), ...change };
    writeJson(storage, KEY, next);
    set(stored, next);
  },
);
