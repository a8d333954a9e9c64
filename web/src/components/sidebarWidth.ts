import * as z from "zod/mini";
import { browserStorage, readJson, removeItem, writeJson } from "../api/storage.ts";

const KEY = "easyqr.sidebarWidth";
export const SIDEBAR_MIN = 340;
/** The chat window keeps at least this much of the screen. */
const CHAT_MIN = 420;

/** A width the user dragged to, kept within what the window allows (the chat keeps its room). */
export function clampSidebarWidth(width: number, viewport: number): number {
  const max = Math.max(SIDEBAR_MIN, Math.min(720, viewport - CHAT_MIN));
  return Math.round(Math.min(Math.max(width, SIDEBAR_MIN), max));
}

const storage = browserStorage("local");

/** The width the user chose, if any (else the stylesheet's responsive default). */
export function savedSidebarWidth(): number | undefined {
  return readJson(storage, KEY, z.int().check(z.gte(SIDEBAR_MIN), z.lte(2000)));
}

export function saveSidebarWidth(width: number | undefined): void {
  if (width === undefined) removeItem(storage, KEY);
  else writeJson(storage, KEY, width);
}
