import type pg from "pg";
import type { AttachmentRow, DeviceMarks, LockedChat, MemberRow, MessageRow } from "../rows.ts";
import {
  attachmentColumns,
  historyStatement,
  memberColumns,
  messageColumns,
  replyTargetFrom,
  sharedStatements,
  standingColumns,
  type Runner,
} from "./shared.ts";
import { groupStatements } from "./groups.ts";
import { messageJsonOf } from "../view.ts";
import type { BatchStatements, ChatStatements, ChatStore, ReplyTarget } from "./store.ts";

/**
 * History's rows as columns, each written as its JSON here (`messageJsonOf`). Written by the database
 * as on SQLite (json_build_object, with each row's attachments and reactions by json_agg, one round
 * trip instead of three), a page cost the backend 0.3–0.5 ms more CPU (json_build_object, 51 × 2
 * subplans) to save the server at most ~0.1 ms: measured in docs/performance.md.
 */
const historyColumns = messageColumns("m");

/** `name`: prepared once per connection under it; `planEachTime`: parsed and planned at every call. */
type Query = (name: string | typeof planEachTime, text: string, values: unknown[]) => Promise<{ rows: unknown[]; rowCount: number }>;

/**
 * An unnamed statement: planned for its own arrays, with the tables as they are now. A named one
 * gets a generic plan after five runs and keeps it until its tables are next analyzed: made while
 * `messages` was small, the earlier sends' lookup was a hash join over a sequential scan of all
 * of messages, every batch (~450 µs of the database's CPU a message at 50,000 messages, until
 * autovacuum came by). So every batch statement that finds rows by its arrays is planned each
 * time (~10 µs of planning a message at 30 a batch, less in larger ones); the inserts keep their names.
 */
const planEachTime = undefined;

/**
 * PostgreSQL: named statements (parsed once per connection), a pool client per transaction. The
 * pool's clients pipeline (database.ts): statements issued together leave together and the server
 * runs them in order, so what a work issues at once costs one round trip, and the BEGIN leaves
 * with the first of them. A transaction in a turn takes its client before its turn comes (the
 * work waits); the pool hands out clients first come first served and turns ask for them in turn
 * order, so an earlier turn never waits for a client a later one holds. `afterWrite` runs after
 * each commit.
 */
export function postgresChatStore(pool: pg.Pool, afterWrite: () => void): ChatStore {
  const texts = new Map<string, { name: string; text: string }>();
  const named = (text: string): { name: string; text: string } => {
    let entry = texts.get(text);
    if (!entry) {
      let n = 0;
      entry = { name: `chat_${texts.size}`, text: text.replace(/\?/g, () => `$${++n}`) };
      texts.set(text, entry);
    }
    return entry;
  };
  const over = (client: pg.Pool | pg.PoolClient): ChatStatements => {
    const rows = async (text: string, params: unknown[]) => objectsOf(await client.query<unknown[]>({ ...named(text), values: params, rowMode: "array" }));
    const runner: Runner = {
      all: async <T>(text: string, ...params: unknown[]) => (await rows(text, params)) as T[],
      get: async <T>(text: string, ...params: unknown[]) => (await rows(text, params))[0] as T | undefined,
      run: async (text: string, ...params: unknown[]) => (await client.query({ ...named(text), values: params })).rowCount ?? 0,
    };
    const query: Query = async (name, text, values) => {
      const result = await client.query({ name, text, values });
      return { rows: result.rows as unknown[], rowCount: result.rowCount ?? 0 };
    };
    const historyRows = historyStatement<MessageRow>(runner, historyColumns);
    return {
      ...sharedStatements(runner),
      history: async (...args) => (await historyRows(...args)).map(messageJsonOf),
      ...groupStatements(runner),
      ...batchStatements(query),
      lockPerson: async (userId) => void (await runner.get("select id from users where id = ? for update", userId)),
    };
  };
  const pooled = over(pool);
  // A pool client serves one transaction at a time, and its statements stay the same: made once per client.
  const perClient = new WeakMap<pg.PoolClient, { statements: ChatStatements; issued: Promise<unknown>[] }>();
  const inTransaction = (client: pg.PoolClient) => {
    let entry = perClient.get(client);
    if (!entry) {
      const issued: Promise<unknown>[] = [];
      entry = { statements: tracked(over(client), issued), issued };
      perClient.set(client, entry);
    }
    entry.issued.length = 0;
    return entry;
  };
  return {
    read: (work) => work(pooled),
    async write(work) {
      const client = await pool.connect();
      try {
        // Not awaited: the work's first statements follow it on the wire (BEGIN fails only with the connection, and they with it).
        const begun = client.query("BEGIN");
        void begun.catch(() => undefined);
        const { statements, issued } = inTransaction(client);
        const result = await work(statements);
        // Behind what the work left unawaited: the server runs the COMMIT after it, and turns it
        // into a ROLLBACK if any of it failed.
        const commit = client.query("COMMIT");
        void commit.catch(() => undefined);
        await begun;
        for (const statement of issued) await statement;
        if ((await commit).command !== "COMMIT") throw new Error("the transaction was rolled back");
        // New messages wait in the search queue; indexed off this path (db/searchIndexPostgres.ts).
        afterWrite();
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * Rows as objects, built here from pg's arrays (`rowMode: "array"`): pg copies a prebuilt object of
 * the columns for each row and fills it in, which cost ~1.5 µs more a row (a history page's 51 rows
 * of 15 columns: ~80 µs of the server's CPU). A later column of the same name wins, as in pg's own.
 */
function objectsOf(result: pg.QueryResult<unknown[]>): Record<string, unknown>[] {
  const names = result.fields.map((f) => f.name);
  return result.rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
    return row;
  });
}

/**
 * The statements, each call recorded in `issued` (so the write can wait for those the work did
 * not) and marked handled (a failure the work did not wait for is the write's to throw).
 */
function tracked(statements: ChatStatements, issued: Promise<unknown>[]): ChatStatements {
  const record =
    (statement: (...args: never[]) => Promise<unknown>) =>
    (...args: never[]) => {
      const call = statement(...args);
      issued.push(call);
      call.catch(() => undefined);
      return call;
    };
  return Object.fromEntries(Object.entries(statements).map(([name, statement]) => [name, record(statement)])) as ChatStatements;
}

/** One statement per method, rows passed as parallel arrays (`unnest`); those that only insert are named, so each is parsed once per connection. */
function batchStatements(query: Query): BatchStatements {
  const rows = async <T>(name: string | typeof planEachTime, text: string, values: unknown[]): Promise<T[]> => (await query(name, text, values)).rows as T[];
  return {
    lockChats: (ids) =>
      rows<LockedChat>(planEachTime, `select ${standingColumns} from chats c where c.id = any($1::text[]) order by c.id for update of c`, [ids]),
    earlier: (keys) =>
      rows<MessageRow>(
        planEachTime,
        `select ${messageColumns("m")} from messages m join unnest($1::text[], $2::text[]) k(s, c) on m.sender_id = k.s and m.client_id = k.c`,
        [keys.map((k) => k.senderId), keys.map((k) => k.clientId)],
      ),
    replyTargets: (ids) => (ids.length === 0 ? Promise.resolve([]) : rows<ReplyTarget>(planEachTime, `${replyTargetFrom} where o.id = any($1::text[])`, [ids])),
    attachments: (ids) =>
      ids.length === 0
        ? Promise.resolve([])
        : rows<AttachmentRow>(planEachTime, `select ${attachmentColumns("a")} from attachments a where a.id = any($1::text[])`, [ids]),
    insertMessages: async (messages) => {
      await query(
        "send_insert",
        // In the unique index's (client id, sender) order: two batches in flight that carry the
        // same keys then take its locks in the same order and never deadlock.
        `insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, reply_to_id, created_at, forwarded, system, mentions)
           select * from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::int[], $11::text[], $12::text[])
             as v(id, chat_id, seq, rev, sender_id, client_id, text, reply_to_id, created_at, forwarded, system, mentions)
           order by v.client_id, v.sender_id`,
        [
          messages.map((m) => m.id),
          messages.map((m) => m.chatId),
          messages.map((m) => m.seq),
          messages.map((m) => m.rev),
          messages.map((m) => m.senderId),
          messages.map((m) => m.clientId),
          messages.map((m) => m.text),
          messages.map((m) => m.replyToId),
          messages.map((m) => m.createdAt),
          messages.map((m) => m.forwarded),
          messages.map((m) => m.system),
          messages.map((m) => m.mentions),
        ],
      );
    },
    linkAttachments: async (links) => {
      if (links.length === 0) return;
      await query(
        planEachTime,
        "update attachments a set message_id = v.m, position = v.p from unnest($1::text[], $2::text[], $3::int[]) v(id, m, p) where a.id = v.id",
        [links.map((l) => l.id), links.map((l) => l.messageId), links.map((l) => l.position)],
      );
    },
    updateChats: async (now, chats) => {
      await query(
        planEachTime,
        `update chats c set last_seq = v.s, rev = v.r, rev_at = v.ra, last_message_id = v.m, activity_at = $1, low_sent = c.low_sent + v.ls, high_sent = c.high_sent + v.hs
         from unnest($2::text[], $3::int[], $4::int[], $5::bigint[], $6::text[], $7::int[], $8::int[]) v(id, s, r, ra, m, ls, hs) where c.id = v.id`,
        [
          now,
          chats.map((c) => c.id),
          chats.map((c) => c.lastSeq),
          chats.map((c) => c.rev),
          chats.map((c) => c.revAt),
          chats.map((c) => c.lastMessageId),
          chats.map((c) => c.lowSent),
          chats.map((c) => c.highSent),
        ],
      );
    },
    membersOf: (chatId, userIds) =>
      rows<MemberRow>(planEachTime, `select ${memberColumns("m")} from chat_members m where m.chat_id = $1 and m.user_id = any($2::text[])`, [chatId, userIds]),
    deviceMarksOf: async (chatId, sessionIds) => {
      // A device's advances only go forward, so its newest row holds the highest of both marks.
      const found = await rows<DeviceMarks & { sessionId: string }>(
        planEachTime,
        `select session_id as "sessionId", max(delivered_seq) as "deliveredSeq", max(seen_seq) as "seenSeq" from device_receipts
         where chat_id = $1 and session_id = any($2::text[]) group by session_id`,
        [chatId, sessionIds],
      );
      return new Map(found.map((r) => [r.sessionId, { deliveredSeq: Number(r.deliveredSeq), seenSeq: Number(r.seenSeq) }]));
    },
    setReceipts: async (chatId, members) => {
      await query(
        planEachTime,
        `update chat_members m set delivered_seq = v.d, seen_seq = v.s, peer_seen = v.p
         from unnest($2::text[], $3::int[], $4::int[], $5::int[]) v(id, d, s, p) where m.chat_id = $1 and m.user_id = v.id`,
        [chatId, members.map((m) => m.userId), members.map((m) => m.deliveredSeq), members.map((m) => m.seenSeq), members.map((m) => m.peerSeen)],
      );
    },
    addDeviceReceipts: async (receipts) => {
      await query(
        "receipt_devices",
        // Two frames of one device (two tabs share a session) may record the same advance at once: once is enough.
        `insert into device_receipts (chat_id, user_id, session_id, delivered_seq, seen_seq, at)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::bigint[]) on conflict do nothing`,
        [
          receipts.map((r) => r.chatId),
          receipts.map((r) => r.userId),
          receipts.map((r) => r.sessionId),
          receipts.map((r) => r.deliveredSeq),
          receipts.map((r) => r.seenSeq),
          receipts.map((r) => r.at),
        ],
      );
    },
  };
}
