import type { createStore } from "jotai";
import * as z from "zod/mini";
import { emptyChats, windowEnd, type ChatsState, type MessageWindow } from "../chat/chatState.ts";
import { loadOutbox, outboxKey, OutboxItem, saveOutbox, type Outbox, type OutboxStore } from "../chat/outbox.ts";
import { chatsAtom } from "../chat/state.ts";
import type { ContactsState } from "../contacts/contactsState.ts";
import { contactsAtom } from "../contacts/state.ts";
import { CachedChats, CachedContacts, CachedOutbox, CachedWindow, cacheDb, cacheStores, parsed, type CacheDb } from "../../api/offlineDb.ts";

type Store = ReturnType<typeof createStore>;

/** What a start shows before the server answers: the last chats, their newest messages, contacts, the outbox. */
export type Snapshot = { chats?: ChatsState; contacts?: ContactsState; outbox: OutboxItem[] };

/** Messages kept per chat: the newest page, what a chat opened offline shows at once. */
export const WINDOW_KEPT = 50;

/** How often, at most, the chats and contacts are written while they change. */
const SAVE_EVERY_MS = 300;

/**
 * The signed-in account's data in IndexedDB (cacheDb.ts), so a reload (offline too) shows the
 * chat list and the last messages at once, before the socket and its resync bring them up to
 * date. It follows the atoms and writes what changed, a few times a second at most; the outbox
 * is written on every change, in order. Where IndexedDB is missing every call does nothing.
 */
export class OfflineCache {
  constructor(
    private readonly open: () => Promise<CacheDb | undefined> = cacheDb,
    /** Where outboxes were kept before (localStorage): moved here on the first load. */
    private readonly legacy?: Storage,
  ) {}

  async load(userId: string): Promise<Snapshot> {
    const db = await this.open();
    const legacy = this.legacy ? loadOutbox(this.legacy, userId) : [];
    if (!db) return { outbox: legacy };
    try {
      const tx = db.transaction(["chats", "windows", "contacts", "outbox"]);
      const [chats, windows, contacts, outbox] = await Promise.all([
        tx.objectStore("chats").get(userId),
        tx.objectStore("windows").getAll(IDBKeyRange.bound([userId], [userId, []])),
        tx.objectStore("contacts").get(userId),
        tx.objectStore("outbox").get(userId),
      ]);
      const items = parsed(z.array(OutboxItem), parsed(CachedOutbox, outbox)?.items) ?? [];
      const known = new Set(items.map((i) => i.clientId));
      return {
        chats: chatsState(userId, parsed(CachedChats, chats), windows),
        contacts: contactsState(parsed(CachedContacts, contacts)),
        outbox: [...items, ...legacy.filter((i) => !known.has(i.clientId))],
      };
    } catch (error) {
      warn("a snapshot")(error);
      return { outbox: legacy };
    }
  }

  /**
   * Writes the chats and contacts of `userId` as they change (from `store`), until the returned
   * function is called. A write already started finishes; none starts after.
   */
  follow(store: Store, userId: string): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let savedChats: ChatsState | undefined = store.get(chatsAtom);
    let savedContacts: ContactsState | undefined = store.get(contactsAtom);
    const save = () => {
      timer = undefined;
      if (stopped) return;
      const chats = store.get(chatsAtom);
      const contacts = store.get(contactsAtom);
      const writes: Promise<void>[] = [];
      if (chats && chats !== savedChats) writes.push(this.saveChats(userId, chats, savedChats));
      if (contacts && contacts !== savedContacts) writes.push(this.saveContacts(userId, contacts));
      savedChats = chats;
      savedContacts = contacts;
      void Promise.all(writes);
    };
    const changed = () => {
      if (!stopped) timer ??= setTimeout(save, SAVE_EVERY_MS);
    };
    const off = [store.sub(chatsAtom, changed), store.sub(contactsAtom, changed)];
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const unsubscribe of off) unsubscribe();
    };
  }

  /** The outbox of `userId` (loaded with `load`), written through on every change, oldest write first. */
  outbox(userId: string, loaded: OutboxItem[]): OutboxStore & { stop(): void } {
    let latest: Outbox | undefined;
    let writing = false;
    let stopped = false;
    const drain = async () => {
      writing = true;
      while (latest && !stopped) {
        const items = latest;
        latest = undefined;
        const db = await this.open();
        if (!db) {
          // No IndexedDB here (some private modes): localStorage keeps it, as before.
          if (this.legacy && !stopped) saveOutbox(this.legacy, userId, items);
          continue;
        }
        const stored = await db.put("outbox", { userId, items: [...items] }).then(
          () => true,
          (error: unknown) => {
            warn("the outbox")(error);
            return false;
          },
        );
        if (stored && this.legacy && !stopped) this.legacy.removeItem(outboxKey(userId));
      }
      writing = false;
    };
    return {
      load: () => loaded,
      save: (outbox) => {
        latest = outbox;
        if (!writing && !stopped) void drain();
      },
      stop: () => void (stopped = true),
    };
  }

  /** The newest message seq of each chat window kept for `userId` (what a prefetch need not fetch again). */
  async windowTops(userId: string): Promise<Map<string, number>> {
    const db = await this.open();
    const tops = new Map<string, number>();
    if (!db) return tops;
    try {
      for (const row of await db.getAll("windows", IDBKeyRange.bound([userId], [userId, []]))) {
        const window = parsed(CachedWindow, row);
        if (window) tops.set(window.chatId, windowEnd(window) ?? 0);
      }
    } catch (error) {
      warn("windows")(error);
    }
    return tops;
  }

  /** Keeps one chat's newest page (a chat not opened here: the prefetch's). */
  async saveWindow(userId: string, chatId: string, window: MessageWindow): Promise<void> {
    const db = await this.open();
    await db?.put("windows", { userId, chatId, ...kept(window) }).catch(warn("a chat's messages"));
  }

  /** Sign-out: nothing of the account stays in this browser. */
  async clear(): Promise<void> {
    const legacy = this.legacy;
    if (legacy) {
      const keys = Array.from({ length: legacy.length }, (_, i) => legacy.key(i));
      for (const key of keys) if (key?.startsWith(outboxKey(""))) legacy.removeItem(key);
    }
    const db = await this.open();
    if (!db) return;
    try {
      const tx = db.transaction([...cacheStores], "readwrite");
      await Promise.all([...cacheStores.map((name) => tx.objectStore(name).clear()), tx.done]);
    } catch (error) {
      warn("clearing")(error);
    }
  }

  private async saveChats(userId: string, state: ChatsState, before: ChatsState | undefined): Promise<void> {
    const db = await this.open();
    if (!db) return;
    try {
      const tx = db.transaction(["chats", "windows"], "readwrite");
      const windows = tx.objectStore("windows");
      const writes: Promise<unknown>[] = [tx.objectStore("chats").put({ userId, chats: Object.values(state.chats), moreChats: state.moreChats })];
      for (const [chatId, window] of Object.entries(state.windows)) {
        if (before?.windows[chatId] !== window) writes.push(windows.put({ userId, chatId, ...kept(window) }));
      }
      for (const chatId of Object.keys(before?.windows ?? {})) if (!state.windows[chatId]) writes.push(windows.delete([userId, chatId]));
      await Promise.all([...writes, tx.done]);
    } catch (error) {
      warn("chats")(error);
    }
  }

  private async saveContacts(userId: string, state: ContactsState): Promise<void> {
    const db = await this.open();
    await db?.put("contacts", { userId, ...state }).catch(warn("contacts"));
  }
}

/** A window cut to its newest page. */
function kept(window: MessageWindow): MessageWindow {
  const through = window.through === undefined ? {} : { through: window.through };
  if (window.messages.length <= WINDOW_KEPT) return { messages: window.messages, hasOlder: window.hasOlder, ...through };
  return { messages: window.messages.slice(-WINDOW_KEPT), hasOlder: true, ...through };
}

function chatsState(userId: string, chats: CachedChats | undefined, rows: unknown[]): ChatsState | undefined {
  if (!chats) return undefined;
  const state: ChatsState = { ...emptyChats(userId), moreChats: chats.moreChats };
  for (const chat of chats.chats) state.chats[chat.id] = chat;
  for (const row of rows) {
    const window = parsed(CachedWindow, row);
    if (window && state.chats[window.chatId]) state.windows[window.chatId] = kept(window);
  }
  return state;
}

function contactsState(cached: CachedContacts | undefined): ContactsState | undefined {
  if (!cached) return undefined;
  return { connections: cached.connections, incoming: cached.incoming, outgoing: cached.outgoing, blocked: cached.blocked };
}

const warn = (what: string) => (error: unknown) => console.warn(`easyqr: the offline cache could not keep ${what}`, error);
