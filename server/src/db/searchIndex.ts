import type SQLite from "better-sqlite3";

/**
 * The message search index, kept a moment behind the writes (SQLite: migration 0018, here;
 * PostgreSQL: 0021, `searchIndexPostgres.ts`): new messages are indexed a run at a time, shortly
 * after their commit, not inside it. `soon()` after a write that added messages; `catchUp()` before
 * a search, so a search still finds everything committed.
 */
export type SearchIndex = {
  soon(): void;
  catchUp(): Promise<void>;
  stop(): Promise<void>;
};

export type SearchIndexOptions = {
  /** Runs `work` (synchronous) while nothing else uses this process's database connection. */
  hold: (work: () => void) => Promise<void>;
  onError: (message: string) => void;
};

/** Long enough for a busy server to gather a run, short enough that a search rarely catches up itself. */
const DELAY_MS = 100;
/** At most this many messages a run: ~4 ms of the event loop here, and one FTS5 segment. */
const RUN = 500;

export function searchIndexBehind(file: SQLite.Database, { hold, onError }: SearchIndexOptions): SearchIndex {
  // Prepared on first use: the database is opened before its migrations run.
  const prepare = () => {
    const progress = file.prepare("select upto from message_search_progress").pluck();
    const runEnd = file.prepare("select count(*) as count, max(rowid) as last from (select rowid from messages where rowid > ? order by rowid limit ?)").raw();
    const index = file.prepare(
      `insert into messages_chat_search (rowid, chat, text)
       select rowid, replace(chat_id, '-', ''), text from messages
       where rowid > ? and rowid <= ? and deleted_at is null and text is not null and text <> ''`,
    );
    const advance = file.prepare("update message_search_progress set upto = ?");
    const syncLater = file.prepare("PRAGMA synchronous = NORMAL");
    const syncNow = file.prepare("PRAGMA synchronous = FULL");
    // Not synced: the index and its mark commit together, and the next synced commit carries both.
    const indexRun = file.transaction((upto: number, last: number) => {
      index.run(upto, last);
      advance.run(last);
    });
    return { progress, runEnd, syncLater, syncNow, indexRun };
  };
  let statements: ReturnType<typeof prepare> | undefined;

  /** Indexes the next run; true when a full run was indexed (more may wait). */
  const runOnce = (): boolean => {
    const { progress, runEnd, syncLater, syncNow, indexRun } = (statements ??= prepare());
    const upto = progress.get() as number;
    const [count, last] = runEnd.get(upto, RUN) as [number, number | null];
    if (last === null) return false;
    syncLater.run();
    try {
      indexRun(upto, last);
    } finally {
      syncNow.run();
    }
    return count === RUN;
  };

  return behindWrites(async () => {
    let more = false;
    await hold(() => (more = runOnce()));
    return more;
  }, onError);
}

/**
 * The schedule both engines' indexers share: `step` indexes one run and says whether a full one
 * was taken (more may wait); it runs DELAY_MS after `soon()`, then again at once while runs are
 * full. `catchUp()` steps until a run is not full. Runs never overlap: each waits for the one before.
 */
export function behindWrites(step: () => Promise<boolean>, onError: (message: string) => void, delayMs = DELAY_MS): SearchIndex {
  let timer: NodeJS.Timeout | undefined;
  let last: Promise<unknown> = Promise.resolve();
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const stepInTurn = (): Promise<boolean> => {
    const next = last.then(step, step);
    last = next.catch(() => undefined);
    return next;
  };
  const tick = () => {
    timer = undefined;
    running = stepInTurn().then(
      (more) => {
        if (more) schedule(0);
      },
      (error: unknown) => onError(error instanceof Error ? error.message : String(error)),
    );
  };
  const schedule = (delay: number) => {
    if (stopped || timer) return;
    timer = setTimeout(tick, delay);
    timer.unref();
  };
  return {
    soon: () => schedule(delayMs),
    async catchUp() {
      while (await stepInTurn());
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
