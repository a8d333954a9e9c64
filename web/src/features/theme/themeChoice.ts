import * as z from "zod/mini";
import { browserStorage } from "../../api/storage.ts";

/**
 * The theme this device shows: "system" follows the operating system's light or dark setting.
 * Kept per device (localStorage, a plain string so public/theme.js can read it before the first
 * paint without the app); sign-out leaves it.
 */
export const ThemeChoice = z.enum(["system", "light", "dark"]);
export type ThemeChoice = z.infer<typeof ThemeChoice>;

export const THEME_KEY = "easyqr.theme";
/** public/theme.js listens for this and applies the stored choice. */
export const THEME_EVENT = "easyqr-theme";

/** What a stored value means; anything else (nothing stored, an old or edited value) is "system". */
export function parseThemeChoice(raw: string | null): ThemeChoice {
  const parsed = ThemeChoice.safeParse(raw);
  return parsed.success ? parsed.data : "system";
}

export function savedThemeChoice(storage: Storage = browserStorage("local")): ThemeChoice {
  return parseThemeChoice(storage.getItem(THEME_KEY));
}

/** Stores the choice and has public/theme.js apply it to this tab (others hear the storage event). */
export function saveThemeChoice(choice: ThemeChoice, storage: Storage = browserStorage("local")): void {
  if (choice === "system") storage.removeItem(THEME_KEY);
  else storage.setItem(THEME_KEY, choice);
  window.dispatchEvent(new Event(THEME_EVENT));
}
