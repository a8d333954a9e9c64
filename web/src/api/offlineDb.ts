import { Chat, ContactCard, ContactRequest, Connection, Me, Message } from "@easyqr/protocol";
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import * as z from "zod/mini";

/**
 * The offline cache: IndexedDB `easyqr`, for the one account signed in on this browser. Every
 * record carries its user id and is read through a schema (this is an edge like any other: a
 * record another version wrote, or a tampered one, counts as absent). Keys live in another
 * database (`easyqr-keys`), which this code never opens.
 */
export const CACHE_DB = "easyqr";

export const CachedProfile = z.object({ userId: z.string(), sessionId: z.string(), user: Me });
export const CachedChats = z.object({ userId: z.string(), chats: z.array(Chat), moreChats: z.nullable(z.number()) });
/** The newest messages of one chat (what its window showed, cut to the newest page). */
export const CachedWindow = z.object({
  userId: z.string(),
  chatId: z.string(),
  messages: z.array(Message),
  hasOlder: z.boolean(),
  through: z.optional(z.int().check(z.nonnegative())),
});
export const CachedContacts = z.object({
  userId: z.string(),
  connections: z.array(Connection),
  incoming: z.array(ContactRequest),
  outgoing: z.array(ContactRequest),
  blocked: z.array(ContactCard),
});
/** The outbox's items are read through their own schema by the chat feature (features/offline). */
export const CachedOutbox = z.object({ userId: z.string(), items: z.array(z.unknown()) });

export type CachedProfile = z.infer<typeof CachedProfile>;
export type CachedChats = z.infer<typeof CachedChats>;
export type CachedWindow = z.infer<typeof CachedWindow>;
export type CachedContacts = z.infer<typeof CachedContacts>;
export type CachedOutbox = z.infer<typeof CachedOutbox>;

export type CacheSchema = DBSchema & {
  profile: { key: string; value: CachedProfile };
  chats: { key: string; value: CachedChats };
  windows: { key: [string, string]; value: CachedWindow };
  contacts: { key: string; value: CachedContacts };
  outbox: { key: string; value: CachedOutbox };
};

export type CacheDb = IDBPDatabase<CacheSchema>;
export const cacheStores = ["profile", "chats", "windows", "contacts", "outbox"] as const;

/** The database, or undefined where the browser has no IndexedDB or refuses it (some private modes). */
export async function openCache(): Promise<CacheDb | undefined> {
  if (typeof indexedDB === "undefined") return undefined;
  try {
    const db: CacheDb = await openDB<CacheSchema>(CACHE_DB, 1, {
      upgrade(db) {
        db.createObjectStore("profile", { keyPath: "userId" });
        db.createObjectStore("chats", { keyPath: "userId" });
        db.createObjectStore("windows", { keyPath: ["userId", "chatId"] });
        db.createObjectStore("contacts", { keyPath: "userId" });
        db.createObjectStore("outbox", { keyPath: "userId" });
      },
      // Another tab of a newer version wants to upgrade: let it (this one reads nothing more).
      blocking() {
        db.close();
      },
    });
    return db;
  } catch (error) {
    console.warn("easyqr: the offline cache is unavailable", error);
    return undefined;
  }
}

let shared: Promise<CacheDb | undefined> | undefined;

/** The page's one connection to the cache. */
export function cacheDb(): Promise<CacheDb | undefined> {
  return (shared ??= openCache());
}

/** The profile cached for this sign-in session: a start offline shows the app with it. */
export async function cachedProfile(sessionId: string, open = cacheDb): Promise<Me | undefined> {
  const db = await open();
  const rows = db ? await db.getAll("profile").catch(() => []) : [];
  return rows.map((row) => parsed(CachedProfile, row)).find((row) => row?.sessionId === sessionId)?.user;
}

export async function cacheProfile(sessionId: string, user: Me, open = cacheDb): Promise<void> {
  const db = await open();
  await db?.put("profile", { userId: user.id, sessionId, user }).catch((error: unknown) => console.warn("easyqr: could not cache the profile", error));
}

/** Reads one record through its schema: anything unreadable is absent. */
export function parsed<T>(schema: z.ZodMiniType<T>, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}
