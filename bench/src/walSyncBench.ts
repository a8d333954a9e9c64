// `npm run bench -- wal-sync`: what a durable commit costs on this disk, and where the wait falls.
// Commits of 30 rows to a SQLite file in WAL mode, three ways: NORMAL (no sync), FULL (SQLite syncs
// the WAL inside the commit, on the event loop) and NORMAL plus an fdatasync of the WAL on the
// thread pool (db/walSync.ts, what chat writes do). The event loop's share is what a server loses.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { walSync } from "@easyqr/server/db/walSync";
import { root } from "./processes.ts";
import { table } from "./stats.ts";

const modes = ["NORMAL", "FULL", "NORMAL + WAL sync off the loop"] as const;

export async function walSyncBench(commits = 300, rows = 30): Promise<string> {
  const dir = join(root, "data", "bench-wal-sync");
  const results: Record<string, string | number>[] = [];
  for (const mode of modes) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "probe.sqlite");
    const db = new SQLite(path);
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${mode === "FULL" ? "FULL" : "NORMAL"}`);
    db.exec("create table m (id integer primary key, t text)");
    const insert = db.prepare("insert into m (t) values (?)");
    const batch = db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run("x".repeat(100));
    });
    const wal = mode === modes[2] ? walSync(path) : undefined;
    let onLoop = 0;
    const started = performance.now();
    for (let c = 0; c < commits; c++) {
      const t0 = performance.now();
      batch();
      onLoop += performance.now() - t0;
      await wal?.sync();
    }
    const wall = performance.now() - started;
    await wal?.close();
    db.close();
    results.push({
      mode,
      commits,
      "rows per commit": rows,
      "event loop blocked, ms per commit": (onLoop / commits).toFixed(2),
      "until durable, ms per commit": (wall / commits).toFixed(2),
    });
  }
  rmSync(dir, { recursive: true, force: true });
  return ["## wal-sync: a commit, and when it is on disk", "", table(results)].join("\n");
}
