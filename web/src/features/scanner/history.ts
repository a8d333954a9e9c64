import * as z from "zod/mini";
import { Scan } from "@easyqr/protocol";
import { readJson, removeItem, writeJson } from "../../api/storage.ts";

const Stored = z.object({ updatedAt: z.number(), scans: z.array(Scan) });
const PREFIX = "easyqr.history.";

/**
 * The desktop's scan list for one session, kept in localStorage so a reload
 * shows it at once and asks the server only for what came after `lastSeq`.
 * Scans arrive live, in backlogs and again after a resend: each is kept once.
 */
export class ScanHistory {
  private items: Scan[];
  private readonly key: string;

  constructor(
    private readonly storage: Storage,
    sessionId: string,
    private readonly limit = 5000,
    private readonly now: () => number = Date.now,
  ) {
    this.key = PREFIX + sessionId;
    this.items = readJson(storage, this.key, Stored)?.scans ?? [];
  }

  /** Oldest first. A new array after every change. */
  get scans(): readonly Scan[] {
    return this.items;
  }

  get lastSeq(): number {
    return this.items.at(-1)?.seq ?? 0;
  }

  /** Adds what is new; returns whether anything was. */
  add(incoming: readonly Scan[]): boolean {
    const seqs = new Set(this.items.map((s) => s.seq));
    const keys = new Set(this.items.map(keyOf));
    const fresh: Scan[] = [];
    for (const scan of incoming) {
      if (seqs.has(scan.seq) || keys.has(keyOf(scan))) continue;
      seqs.add(scan.seq);
      keys.add(keyOf(scan));
      fresh.push(scan);
    }
    if (fresh.length === 0) return false;
    this.items = [...this.items, ...fresh].sort((a, b) => a.seq - b.seq).slice(-this.limit);
    writeJson(this.storage, this.key, { updatedAt: this.now(), scans: this.items });
    return true;
  }

  clear(): void {
    this.items = [];
    removeItem(this.storage, this.key);
  }
}

function keyOf(scan: Scan): string {
  return `${scan.phoneId}:${scan.id}`;
}

/** Keeps the histories of the `keep` most recently used sessions and forgets older ones. */
export function pruneHistories(storage: Storage, keep: number): void {
  const found: { key: string; updatedAt: number }[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    found.push({ key, updatedAt: readJson(storage, key, Stored)?.updatedAt ?? 0 });
  }
  found.sort((a, b) => b.updatedAt - a.updatedAt);
  for (const { key } of found.slice(keep)) removeItem(storage, key);
}
