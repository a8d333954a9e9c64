import type * as z from "zod/mini";

/** Web Storage in memory: for tests, and when the browser refuses storage (some private modes). */
export class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}

/** `localStorage` / `sessionStorage`, or memory when the browser has none or refuses it. */
export function browserStorage(kind: "local" | "session"): Storage {
  try {
    const storage = kind === "local" ? globalThis.localStorage : globalThis.sessionStorage;
    const probe = "easyqr.probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return new MemoryStorage();
  }
}

/** Reads JSON stored under `key` through a schema; anything unreadable counts as absent. */
export function readJson<T>(storage: Storage, key: string, schema: z.ZodMiniType<T>): T | undefined {
  let raw: string | null;
  try {
    raw = storage.getItem(key);
  } catch {
    return undefined;
  }
  if (raw === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes JSON; a full or refusing storage is logged, not thrown (the app works on without it). */
export function writeJson(storage: Storage, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch (error) {
    console.warn(`easyqr: could not store ${key}`, error);
  }
}

export function removeItem(storage: Storage, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // nothing to do
  }
}
