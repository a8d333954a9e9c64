import * as z from "zod/mini";
import { browserStorage, readJson, writeJson } from "../../api/storage.ts";

const KEY = "easyqr.writtenAt";
/** Enough for every message that waited in an outbox lately; the oldest go first. */
export const MAX_WRITTEN_TIMES = 300;
const Stored = z.array(z.tuple([z.string().check(z.maxLength(64)), z.number()])).check(z.maxLength(MAX_WRITTEN_TIMES));

/**
 * When each of my queued messages was written, by client id. The server stamps a message when it
 * arrives, which for a message sent after a time offline is the delivery time: my own bubble shows
 * the time I wrote it instead, before and after it went out (and after a reload).
 */
export function writtenTimes(storage: Storage) {
  const times = new Map(readJson(storage, KEY, Stored) ?? []);
  return {
    remember(items: readonly { clientId: string; createdAt: number }[]): void {
      let changed = false;
      for (const item of items) {
        if (times.get(item.clientId) === item.createdAt) continue;
        times.set(item.clientId, item.createdAt);
        changed = true;
      }
      if (!changed) return;
      while (times.size > MAX_WRITTEN_TIMES) times.delete(times.keys().next().value as string);
      writeJson(storage, KEY, [...times]);
    },
    /** The time to show for my message: when it was written, if it waited, else the server's. */
    shownAt(message: { clientId: string; createdAt: number }): number {
      const written = times.get(message.clientId);
      return written !== undefined && written < message.createdAt ? written : message.createdAt;
    },
  };
}

export const myWrittenTimes = writtenTimes(browserStorage("local"));
