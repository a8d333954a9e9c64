import type { HistoryPage } from "@easyqr/protocol";
import type { createStore } from "jotai";
import { allChats } from "../chat/chatFolders.ts";
import { chatsAtom } from "../chat/state.ts";
import { WINDOW_KEPT, type OfflineCache } from "./offlineCache.ts";

type Store = ReturnType<typeof createStore>;

export type PrefetchOptions = {
  /** How many of the most recent chats get their newest page kept. */
  chats: number;
  /** Pause between two fetches: one page at a time, never a burst. */
  gapMs: number;
  /** A pass starts at most this long after the chats changed (and not while one runs). */
  afterChangeMs: number;
};

export const defaultPrefetch: PrefetchOptions = { chats: 20, gapMs: 250, afterChangeMs: 2_000 };

/**
 * Keeps the newest page of the top chats in the offline cache, in the background, so a reload
 * offline shows the last messages of any recent chat, not only of those opened here. After the
 * chats change (the first load, a sync, a new message) and a pause, one pass fetches, one at a
 * time with a gap, the page of each top chat whose kept page is missing or behind its last
 * message; chats open in this tab are kept by OfflineCache.follow already. Nothing here touches
 * the atoms, so the screens never wait for it; a failure (offline) ends the pass quietly.
 */
export class WindowPrefetch {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly cache: OfflineCache,
    private readonly history: (chatId: string, limit: number) => Promise<HistoryPage>,
    private readonly userId: string,
    private readonly options: PrefetchOptions = defaultPrefetch,
  ) {}

  /** Follows `store`'s chats until the returned function is called. */
  follow(store: Store): () => void {
    const changed = () => {
      if (!this.stopped) this.timer ??= setTimeout(() => void this.pass(store), this.options.afterChangeMs);
    };
    const off = store.sub(chatsAtom, changed);
    if (store.get(chatsAtom)) changed();
    return () => {
      this.stopped = true;
      if (this.timer) clearTimeout(this.timer);
      off();
    };
  }

  /** One pass over the top chats; a change during it asks for one more after it. */
  async pass(store: Store): Promise<void> {
    this.timer = undefined;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      const state = store.get(chatsAtom);
      if (!state) return;
      const tops = await this.cache.windowTops(this.userId);
      const wanted = allChats(state)
        .slice(0, this.options.chats)
        .filter((chat) => chat.lastSeq > 0 && !state.windows[chat.id] && (tops.get(chat.id) ?? -1) < chat.lastSeq);
      for (const chat of wanted) {
        if (this.stopped) return;
        const page = await this.history(chat.id, WINDOW_KEPT);
        // Opened meanwhile: the cache follows that window itself.
        if (this.stopped || store.get(chatsAtom)?.windows[chat.id]) continue;
        await this.cache.saveWindow(this.userId, chat.id, { messages: page.messages, hasOlder: page.more, through: page.through });
        await new Promise((resolve) => setTimeout(resolve, this.options.gapMs));
      }
    } catch {
      // Offline or refused: the next change tries again.
    } finally {
      this.running = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.timer ??= setTimeout(() => void this.pass(store), this.options.afterChangeMs);
      }
    }
  }
}
