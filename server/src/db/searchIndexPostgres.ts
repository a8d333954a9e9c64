import type pg from "pg";
import { databaseUnreachable } from "./errors.ts";
import { behindWrites, type SearchIndex } from "./searchIndex.ts";

/**
 * At most this many queued ids a run: ~5–10 ms of a backend with chat-load's text. Larger runs cost
 * a little less each, but a search that catches up waits for the run in flight.
 */
const RUN = 500;
/**
 * Ids taken between two upkeeps (`upkeep`): at 10,000 msgs/s five a second. Each is ~1–2 ms; the
 * pending list it merges then holds at most ~2,000 messages' entries (well under a megabyte).
 */
const UPKEEP_EVERY = 2_000;

/**
 * One run over the queue of migration 0021, in one transaction: takes up to `limit` queued ids,
 * writes the search row of each message that is live with text and removes the others' rows.
 * Returns the ids it took (a message queued twice, twice).
 *
 * The runs of every node over one database take one lock first (an advisory lock on the queue's
 * oid, so each schema has its own), so they run one after another: each reads the messages after
 * the run before committed, and an edit or delete, whose id is queued in its own commit, is read
 * by a run that starts after it. Two runs at once could write an older text over a newer one.
 */
export async function indexRun(client: pg.ClientBase, limit: number): Promise<string[]> {
  // The client pipelines (database.ts): the four statements leave together, one round trip.
  const statements = [
    client.query("begin"),
    client.query("select pg_advisory_xact_lock('message_search_queue'::regclass::oid::bigint)"),
    client.query<{ message_id: string }>({
      // Named: parsed and planned once per connection (a search waits for a run; the plan does not change with the queue).
      name: "search_index_run",
      text: `with taken as (
         delete from message_search_queue where ctid = any(array(select ctid from message_search_queue limit $1)) returning message_id),
       current as (
         select q.id, m.chat_id, m.text, m.deleted_at from (select distinct message_id as id from taken) q left join messages m on m.id = q.id),
       indexed as (
         insert into message_search (message_id, doc)
         select id, to_tsvector('simple', text) || array_to_tsvector(array['#' || chat_id]) from current
         where chat_id is not null and deleted_at is null and text is not null and text <> ''
         on conflict (message_id) do update set doc = excluded.doc),
       removed as (
         delete from message_search s using current c
         where s.message_id = c.id and (c.chat_id is null or c.deleted_at is not null or c.text is null or c.text = ''))
       select message_id from taken`,
      values: [limit],
    }),
    client.query("commit"),
  ];
  for (const statement of statements) void statement.catch(() => undefined);
  try {
    const [, , taken] = await Promise.all(statements);
    return (taken as pg.QueryResult<{ message_id: string }>).rows.map((r) => r.message_id);
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
}

/**
 * PostgreSQL's message search index behind the writes, on a connection of its own (`pool`: one
 * client), so a run never waits for a client behind the send batches. Every node runs it; their
 * runs take turns (`indexRun`). `openDatabase` schedules a run once migrated, so a queue left by a
 * stop or a crash is taken without waiting for a write.
 */
export function searchIndexPostgres(pool: pg.Pool, onError: (message: string) => void): SearchIndex {
  let takenSinceUpkeep = 0;
  const step = async (): Promise<boolean> => {
    const client = await pool.connect();
    try {
      const taken = await indexRun(client, RUN);
      takenSinceUpkeep += taken.length;
      if (takenSinceUpkeep >= UPKEEP_EVERY) {
        takenSinceUpkeep = 0;
        await upkeep(client);
      }
      return taken.length === RUN;
    } finally {
      client.release();
    }
  };
  return behindWrites(async () => {
    try {
      return await step();
    } catch (error) {
      // The database away is reported by the node's health watcher; the queue waits for it.
      if (databaseUnreachable(error)) return false;
      throw error;
    }
  }, onError);
}

/**
 * The queue: a run finds its ids by a scan from its first page, and the rows taken stay behind as
 * dead rows until a vacuum; autovacuum comes by at most once a minute, when at 10,000 msgs/s the
 * scan would walk ~5,000 pages of them each run (25 ms a run measured with 30,000). Vacuumed here,
 * it stays a few pages and new rows fill the freed space (`skip_locked`: another node's vacuum is as
 * good). The GIN index (`fastupdate`, the default): a run's entries go to its pending list, which
 * every search reads whole, and the insert that finds it past 4 MB merges it; merged here it stays
 * small (as the pending list of messages' own index was merged behind the writes before 0021).
 */
async function upkeep(client: pg.ClientBase): Promise<void> {
  await client.query("vacuum (skip_locked) message_search_queue");
  await client.query("select gin_clean_pending_list('message_search_doc'::regclass)");
}
