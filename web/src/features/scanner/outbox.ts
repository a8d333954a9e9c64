import * as z from "zod/mini";
import { ScanInput } from "@easyqr/protocol";
import { readJson, removeItem, writeJson } from "../../api/storage.ts";

const Stored = z.array(ScanInput);

/**
 * Scans the phone made that the server has not acknowledged yet, oldest first,
 * kept in storage so a reload or a crash loses none. One outbox per session.
 */
export class Outbox {
  private items: ScanInput[];
  private readonly key: string;

  constructor(
    private readonly storage: Storage,
    sessionId: string,
  ) {
    this.key = `easyqr.outbox.${sessionId}`;
    this.items = readJson(storage, this.key, Stored) ?? [];
  }

  list(): readonly ScanInput[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds a scan; false when one with the same id is already waiting. */
  add(scan: ScanInput): boolean {
    if (this.items.some((s) => s.id === scan.id)) return false;
    this.items = [...this.items, scan];
    this.save();
    return true;
  }

  /** Drops the scan with this id (its ACK came); false when it was not there. */
  remove(id: string): boolean {
    const next = this.items.filter((s) => s.id !== id);
    if (next.length === this.items.length) return false;
    this.items = next;
    this.save();
    return true;
  }

  clear(): void {
    this.items = [];
    removeItem(this.storage, this.key);
  }

  private save(): void {
    if (this.items.length === 0) removeItem(this.storage, this.key);
    else writeJson(this.storage, this.key, this.items);
  }
}
