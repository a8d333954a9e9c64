import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/schema.ts";
import type { Storage } from "./index.ts";

const minute = 60_000;
const hour = 60 * minute;

/**
 * Files younger than this are never removed: an upload writes its files before its row commits
 * (seconds apart), so a young file no row points to may be one whose row is on its way.
 */
export const ORPHAN_GRACE_MS = hour;
/** How often the sweep runs (and once at start). */
export const FILE_SWEEP_EVERY_MS = 6 * hour;

const ROWS_PER_QUERY = 1000;
const AT_ONCE = 16;
/** At most this many ids of rows with missing files go into a log line (the count is always whole). */
const IDS_LOGGED = 100;

/** A row and the storage keys it points to. */
export type KeyedRow = { id: string; keys: string[] };

/** A storage folder and the rows that point into it; the folder's owner describes it (avatars/files.ts, attachments/files.ts). */
export type SweptFolder = {
  name: string;
  /** What a row's id is called in the log. */
  rowIds: string;
  /** The rows after `afterId` in id order (at most `limit`), with the keys each points to. */
  rows(db: Db, afterId: string, limit: number): Promise<KeyedRow[]>;
};

export type FolderReport = { folder: string; removed: number; missing: string[] };

/**
 * Puts stored files and rows back in step after a crash between a commit and a file operation:
 * removes files no row points to (older than the grace), and reports rows whose file is missing
 * (a warning: those files are lost, and downloads of them answer "not found"). It holds one
 * folder's keys in memory while it runs (about 100 bytes a file).
 */
export class FileSweep {
  constructor(
    private readonly db: Db,
    private readonly storage: Storage,
    private readonly folders: readonly SweptFolder[],
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly graceMs = ORPHAN_GRACE_MS,
  ) {}

  async run(): Promise<FolderReport[]> {
    const reports: FolderReport[] = [];
    for (const folder of this.folders) reports.push(await this.sweep(folder));
    return reports;
  }

  private async sweep(folder: SweptFolder): Promise<FolderReport> {
    const cutoff = this.clock.now() - this.graceMs;
    // Every stored key, and whether it is old enough to go; keys rows point to are taken out below.
    const unclaimed = new Map<string, boolean>();
    for await (const file of this.storage.list(folder.name)) unclaimed.set(file.key, file.modifiedAt < cutoff);

    // A key not listed may belong to a row that came after the listing: looked up again below.
    const unlisted: { id: string; key: string }[] = [];
    for (let afterId = ""; ;) {
      const rows = await folder.rows(this.db, afterId, ROWS_PER_QUERY);
      for (const row of rows) for (const key of row.keys) if (!unclaimed.delete(key)) unlisted.push({ id: row.id, key });
      const last = rows.at(-1);
      if (!last || rows.length < ROWS_PER_QUERY) break;
      afterId = last.id;
    }

    const orphans = [...unclaimed].filter(([, old]) => old).map(([key]) => key);
    await inGroups(orphans, (key) => this.storage.delete(key));
    if (orphans.length > 0) this.log.info({ folder: folder.name, removed: orphans.length }, "files no row points to removed");

    const missing = new Set<string>();
    await inGroups(unlisted, async ({ id, key }) => {
      if (!(await this.storage.has(key))) missing.add(id);
    });
    if (missing.size > 0) {
      this.log.warn({ folder: folder.name, count: missing.size, [folder.rowIds]: [...missing].slice(0, IDS_LOGGED) }, "rows point to missing files");
    }
    return { folder: folder.name, removed: orphans.length, missing: [...missing] };
  }
}

/** Runs `task` for every item, a few at a time. */
async function inGroups<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += AT_ONCE) await Promise.all(items.slice(i, i + AT_ONCE).map(task));
}
