import { parseContactQr } from "@easyqr/protocol";
import { browserStorage, readJson, removeItem, writeJson } from "../../api/storage.ts";
import { z } from "zod";

const KEY = "easyqr.addToken";
const Stored = z.object({ token: z.string(), at: z.number() });

/** The token of an opened `/add#t=…` link, kept in this tab across sign-in (the fragment does not survive redirects). */
export function keepAddToken(href: string): boolean {
  const payload = parseContactQr(href);
  if (!payload) return false;
  writeJson(browserStorage("session"), KEY, { token: payload.token, at: Date.now() });
  return true;
}

/** The kept token, if it is recent enough to still work (tokens live 2 minutes at most). */
export function keptAddToken(now = Date.now()): string | undefined {
  const stored = readJson(browserStorage("session"), KEY, Stored);
  return stored && now - stored.at < 5 * 60_000 ? stored.token : undefined;
}

export function forgetAddToken(): void {
  removeItem(browserStorage("session"), KEY);
}
