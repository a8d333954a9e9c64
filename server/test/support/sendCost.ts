// The database's CPU per sent message: replays batches of sends through the chat's own send path
// (`sendAll` in one store transaction a batch, as `ChatService.sendBatch` does) against a fresh
// schema, and reads the PostgreSQL backends' CPU from /proc, or with `--engine=sqlite` this
// process's own (SQLite runs in it, its search indexer and WAL syncs included). No sockets, server process or load
// generator in the way, so one change to the statements or the schema can be measured at a time
// (docs/performance.md, "PostgreSQL"):
//   npx tsx server/test/support/sendCost.ts [--engine=postgres|sqlite] [--batch=30] [--warm=20000] [--messages=30000] [--pairs=500] [--text=words|bench] [--sql="drop index …"] [--indexer=behind|after]
// `--sql` runs on the schema before the sends. The search indexer runs behind the sends as in the
// server (`--indexer=behind`: its CPU is in the figure) or only after them (`--indexer=after`: the
// sends' CPU alone); either way what is still waiting after the sends is then indexed, and on
// PostgreSQL its CPU is reported a message indexed. PERF_INDEXER=<file>: `perf record -g` of that. PERF=<file>: `perf record -g` of the backends while
// measuring. AUTO_EXPLAIN=<ms>: plans of statements slower than that go to PostgreSQL's log.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import type pg from "pg";
import { uuidv7 } from "@easyqr/protocol";
import { pairOf } from "../../src/access/checks.ts";
import { sendAll, type SendItem } from "../../src/chat/send.ts";
import { openChatStore } from "../../src/chat/store/index.ts";
import { Turns } from "../../src/chat/turns.ts";
import { systemClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/database.ts";
import { newUserRow } from "../../src/users/rows.ts";
import { freshStore } from "./store.ts";

const { values } = parseArgs({
  options: {
    batch: { type: "string" },
    warm: { type: "string" },
    messages: { type: "string" },
    pairs: { type: "string" },
    sql: { type: "string" },
    text: { type: "string" },
    engine: { type: "string" },
    indexer: { type: "string" },
  },
});
const batch = Number(values.batch ?? 30);
const warm = Number(values.warm ?? 20_000);
const measured = Number(values.messages ?? 30_000);
const pairs = Number(values.pairs ?? 500);

const engine = values.engine ?? "postgres";
if (engine !== "postgres" && engine !== "sqlite") throw new Error("--engine is postgres or sqlite");
const store = freshStore(engine);
// The pool's connections carry the schema's name, so `store.backends()` finds them.
if (store.env.PGAPPNAME) process.env.PGAPPNAME = store.env.PGAPPNAME;
const database = await openDatabase(loadConfig({ LOG_LEVEL: "silent", ...store.env }), { sendBatches: 3 });
try {
  const chats = await seed();
  if (values.sql) await sql.raw(values.sql).execute(database.db);
  if (process.env.AUTO_EXPLAIN && database.raw.engine === "postgres") await autoExplain(database.raw.pool, Number(process.env.AUTO_EXPLAIN));
  const chatStore = openChatStore(database);
  const turns = new Turns();
  const words = "the quick brown fox jumps over a lazy dog hello world chat message again later soon".split(" ");
  const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
  const send = (): SendItem => {
    const chat = pick(chats);
    // `--text=bench`: what chat-load sends (two UUIDs: many distinct lexemes for the search index).
    const text = values.text === "bench" ? `bench message ${randomUUID()} from ${chat.id}` : Array.from({ length: 6 }, () => pick(words)).join(" ");
    return { userId: pick([chat.userLow, chat.userHigh]), frame: { type: "SEND", id: uuidv7(Date.now()), chatId: chat.id, text }, reply: () => undefined };
  };
  const batchMs: number[] = [];
  const run = async (messages: number) => {
    for (let sent = 0; sent < messages; sent += batch) {
      const items = Array.from({ length: batch }, send);
      const turn = turns.take();
      const began = performance.now();
      try {
        const { outcomes } = await chatStore.write((q) => sendAll(q, items, systemClock, turn), turn);
        const failed = outcomes.find((o) => "error" in o);
        if (failed && "error" in failed) throw failed.error;
      } finally {
        turn.leave();
      }
      batchMs.push(performance.now() - began);
    }
  };
  const indexerAfter = values.indexer === "after";
  if (indexerAfter) await database.raw.search.stop();
  await run(warm);
  await database.raw.search.catchUp();
  // The admin connection that lists them is gone by the time it is read: only the pool's remain.
  const pids = engine === "sqlite" ? [process.pid] : (await store.backends()).filter((pid) => ticksOf(pid) !== undefined);
  /**
   * Clock ticks of the backends from `start` (their ticks then) to now. A pool closes a connection
   * idle for 10 s: one that ended meanwhile counts as idle (not as minus all it ever used), and one
   * opened meanwhile (the indexer's, again) counts whole.
   */
  const ticksNow = async () => {
    const ticks = new Map<number, number>();
    for (const pid of engine === "sqlite" ? [process.pid] : await store.backends()) {
      const t = ticksOf(pid);
      if (t !== undefined) ticks.set(pid, t);
    }
    return ticks;
  };
  const ticksSince = async (start: Map<number, number>) => {
    let n = 0;
    for (const [pid, ticks] of await ticksNow()) n += ticks - (start.get(pid) ?? 0);
    return n;
  };
  const record = (file: string | undefined) => (file ? spawn("perf", ["record", "-g", "-o", file, "-p", pids.join(",")], { stdio: "ignore" }) : undefined);
  const stopRecording = async (perf: ReturnType<typeof record>) => {
    if (!perf) return;
    const exited = perf.exitCode !== null || new Promise((resolve) => perf.once("exit", resolve));
    perf.kill("SIGINT");
    await exited;
  };
  const perf = record(process.env.PERF);
  batchMs.length = 0;
  const before = await ticksNow();
  const began = performance.now();
  await run(measured);
  const wallS = (performance.now() - began) / 1000;
  const cpuS = (await ticksSince(before)) / 100;
  await stopRecording(perf);
  const { raw } = database;
  const queued =
    raw.engine === "postgres" ? Number((await raw.pool.query<{ n: number }>("select count(*) as n from message_search_queue")).rows[0]?.n) : undefined;
  const perfIndexer = record(process.env.PERF_INDEXER);
  const beforeIndexing = await ticksNow();
  await raw.search.catchUp();
  const indexerS = (await ticksSince(beforeIndexing)) / 100;
  await stopRecording(perfIndexer);
  console.log(
    JSON.stringify({
      batch,
      warm,
      messages: measured,
      engine,
      // SQLite: this process's CPU, the replay's own JavaScript included (the same in every build compared).
      cpuUsPerMessage: Math.round((cpuS / measured) * 1e6),
      wallUsPerMessage: Math.round((wallS / measured) * 1e6),
      indexer: indexerAfter ? "after" : "behind",
      // PostgreSQL: what was still queued after the sends, and the indexer's CPU for it.
      queuedAfter: queued,
      indexerCpuUsPerMessage: queued ? Math.round((indexerS / queued) * 1e6) : undefined,
      // A batch's time, commit included: the tail shows a statement that did more than its rows (an index's deferred work).
      batchMs: { p50: quantile(batchMs, 0.5), p99: quantile(batchMs, 0.99), max: quantile(batchMs, 1) },
    }),
  );
} finally {
  await database.close();
  await store.drop();
}

/** `pairs` connected pairs of users, each with its chat. */
async function seed(): Promise<{ id: string; userLow: string; userHigh: string }[]> {
  const { db } = database;
  const now = Date.now();
  const users = Array.from({ length: pairs * 2 }, (_, i) =>
    newUserRow({ email: `c${i}@seed.invalid`, username: `c${i}`, usernameKey: `c${i}`, name: `c ${i}` }, now),
  );
  await db.insertInto("users").values(users).execute();
  const chats = Array.from({ length: pairs }, (_, p) => ({ id: randomUUID(), ...pairOf(users[2 * p]!.id, users[2 * p + 1]!.id) }));
  await db
    .insertInto("connections")
    .values(chats.map(({ userLow, userHigh }) => ({ userLow, userHigh, createdAt: now })))
    .execute();
  await db
    .insertInto("chats")
    .values(chats.map((c) => ({ ...c, createdAt: now, lastSeq: 0, rev: 0 })))
    .execute();
  const member = {
    deliveredSeq: 0,
    seenSeq: 0,
    unread: 0,
    activityAt: now,
    markedUnread: 0,
    settingsRev: 0,
    pinnedAt: null,
    archivedAt: null,
    mutedUntil: null,
  };
  await db
    .insertInto("chatMembers")
    .values(chats.flatMap((c) => [c.userLow, c.userHigh].map((userId) => ({ chatId: c.id, userId, ...member }))))
    .execute();
  return chats;
}

/** Loads auto_explain into every connection of the pool from now on (those open are closed). */
async function autoExplain(pool: pg.Pool, ms: number): Promise<void> {
  pool.on("connect", (client) => {
    void client.query("load 'auto_explain'");
    void client.query(`set auto_explain.log_min_duration = ${ms}`);
    void client.query("set auto_explain.log_nested_statements = on");
  });
  const open = await Promise.all(Array.from({ length: pool.idleCount }, () => pool.connect()));
  for (const client of open) client.release(true);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
}

/** utime + stime of a process in clock ticks (100 a second); undefined once it has ended. */
function ticksOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
