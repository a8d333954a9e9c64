import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, openSync, readSync, closeSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import { startCheckpointer } from "../src/db/checkpointer.ts";

/** The WAL header's salts change each time the WAL starts over from its beginning. */
function walSalts(file: string): string | undefined {
  try {
    const fd = openSync(`${file}-wal`, "r");
    try {
      const header = Buffer.alloc(8);
      return readSync(fd, header, 0, 8, 16) === 8 ? header.toString("hex") : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

test(
  "the SQLite checkpointer starts the WAL over while commits never stop, holding the connection only briefly",
  { skip: Boolean(process.env.DATABASE_URL) },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "easyqr-checkpoint-"));
    const file = join(dir, "test.sqlite");
    const db = new SQLite(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Only the checkpointer may copy the WAL back: the writer's own autocheckpoint is off.
    db.pragma("wal_autocheckpoint = 0");
    db.exec("create table t (k text primary key, v text not null)");
    const insert = db.prepare("insert into t (k, v) values (?, ?)");
    const batch = db.transaction((rows: number) => {
      for (let i = 0; i < rows; i++) insert.run(randomBytes(12).toString("hex"), randomBytes(100).toString("hex"));
    });

    // The connection's lock, as Kysely's is in the server: the writer and a hold take turns.
    let lock = Promise.resolve();
    const locked = async (work: () => Promise<void>): Promise<void> => {
      const previous = lock;
      let done!: () => void;
      lock = new Promise((resolve) => (done = resolve));
      await previous;
      try {
        await work();
      } finally {
        done();
      }
    };
    const holds: number[] = [];
    const errors: string[] = [];
    const checkpointer = startCheckpointer({
      file,
      everyMs: 50,
      restartBytes: 512 * 1024,
      hold: (work) =>
        locked(() => {
          const began = performance.now();
          work();
          holds.push(performance.now() - began);
          return Promise.resolve();
        }),
      onError: (message) => errors.push(message),
    });

    const salts = new Set<string>();
    let largestWal = 0;
    let written = 0;
    // Until the WAL started over a few times (a busy machine slows the worker down), at most 20 s.
    const until = performance.now() + 20_000;
    try {
      while (salts.size < 4 && performance.now() < until) {
        await locked(() => {
          batch(50);
          written += 50;
          return Promise.resolve();
        });
        const salt = walSalts(file);
        if (salt) salts.add(salt);
        largestWal = Math.max(largestWal, statSync(`${file}-wal`).size);
        await sleep(1);
      }
    } finally {
      await checkpointer.stop();
    }

    assert.deepEqual(errors, []);
    assert.ok(holds.length >= 2, `the worker asked for a quiet moment ${holds.length} times`);
    assert.ok(salts.size >= 4, `the WAL started over ${salts.size - 1} times`);
    assert.ok(Math.max(...holds) < 150, `longest hold ${Math.max(...holds).toFixed(0)} ms`);
    assert.ok(largestWal < 64 * 2 ** 20, `the WAL grew to ${(largestWal / 2 ** 20).toFixed(1)} MB`);
    assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
    assert.equal((db.prepare("select count(*) as n from t").get() as { n: number }).n, written);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  },
);
