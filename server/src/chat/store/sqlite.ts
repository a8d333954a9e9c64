import type SQLite from "better-sqlite3";
import type { AttachmentRow, DeviceMarks, HistoryRow, LockedChat, MemberRow, MessageRow } from "../rows.ts";
import {
  attachmentColumns,
  historyStatement,
  memberColumns,
  messageColumns,
  messageJson,
  replyTargetFrom,
  sharedStatements,
  standingColumns,
  withConnected,
  type Runner,
} from "./shared.ts";
import { groupStatements } from "./groups.ts";
import type { BatchStatements, ChatStatements, ChatStore, ReplyTarget } from "./store.ts";

/** A history row as SQLite writes it: the message's JSON made in the statement. */
const historyColumns = `m.seq, m.reply_to_id is null and m.system is null as bare,
  ${messageJson("json_object", (value) => `json(${value})`, "json(case when m.forwarded = 1 then 'true' else 'false' end)")} as json`;

/**
 * SQLite: one connection, shared with Kysely. Holding Kysely's connection lock (`lock`) keeps its
 * transactions (which await between statements) from interleaving with ours; inside it
 * better-sqlite3 is synchronous, so a whole batch runs in one turn of the event loop.
 * A transaction in a turn waits for the turn before it to have locked before it asks for the
 * connection: Kysely's lock is not first come first served, so a later turn could otherwise get
 * the connection first and wait on it for the earlier one, which waits for the connection.
 */
export function sqliteChatStore(
  file: SQLite.Database,
  lock: <T>(work: () => Promise<T>) => Promise<T>,
  syncWal: () => Promise<void>,
  indexSoon: () => void,
): ChatStore {
  const statements = new Map<string, SQLite.Statement>();
  const prepare = (text: string): SQLite.Statement => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = file.prepare(text)));
    return statement;
  };
  const readers = new Map<string, RowReader>();
  const reader = (text: string): RowReader => {
    let found = readers.get(text);
    if (!found) readers.set(text, (found = rowReader(file.prepare(text))));
    return found;
  };
  const runner: Runner = {
    all: <T>(text: string, ...params: unknown[]) => Promise.resolve(reader(text).all(params) as T[]),
    get: <T>(text: string, ...params: unknown[]) => Promise.resolve(reader(text).get(params) as T | undefined),
    run: (text: string, ...params: unknown[]) => Promise.resolve(prepare(text).run(...params).changes),
  };
  const tx: ChatStatements = {
    ...sharedStatements(runner),
    history: historyStatement<HistoryRow>(runner, historyColumns),
    ...groupStatements(runner),
    ...batchStatements(prepare, reader),
    lockPerson: () => Promise.resolve(),
  };
  const begin = file.prepare("BEGIN IMMEDIATE");
  const commit = file.prepare("COMMIT");
  const rollback = file.prepare("ROLLBACK");
  const syncLater = file.prepare("PRAGMA synchronous = NORMAL");
  const syncNow = file.prepare("PRAGMA synchronous = FULL");
  return {
    read: (work) => lock(() => work(tx)),
    // Acked means on disk: the commit leaves the WAL's sync to `syncWal`, which runs off the event
    // loop (sockets are read meanwhile and the next batch gathers), and the write returns (so its
    // sends are answered) only once it has. The connection's other writers (Kysely) keep FULL.
    write: async (work, turn) => {
      await turn?.mayLock;
      const result = await lock(async () => {
        syncLater.run();
        try {
          begin.run();
          const result = await work(tx);
          commit.run();
          return result;
        } catch (error) {
          if (file.inTransaction) rollback.run();
          throw error;
        } finally {
          syncNow.run();
        }
      });
      await syncWal();
      // New messages enter the search index a moment later, many at a time (db/searchIndex.ts).
      indexSoon();
      return result;
    },
  };
}

type Row = Record<string, unknown>;
type RowReader = { all(params: unknown[]): Row[]; get(params: unknown[]): Row | undefined };

/**
 * Rows as objects, built here from better-sqlite3's raw arrays: it builds an object a property at a
 * time through V8's API, which cost ~1 µs more a row of a message's 16 columns (a history page's
 * 51 rows: 166 µs against 106 µs). A later column of the same name wins, as in better-sqlite3's own.
 */
function rowReader(statement: SQLite.Statement): RowReader {
  statement.raw(true);
  const names = statement.columns().map((c) => c.name);
  const toRow = (values: unknown[]): Row => {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
    return row;
  };
  return {
    all: (params) => (statement.all(...params) as unknown[][]).map(toRow),
    get: (params) => {
      const values = statement.get(...params) as unknown[] | undefined;
      return values && toRow(values);
    },
  };
}

/** The writer holds the database's only write lock for the whole transaction, so reads lock nothing more; a prepared statement per row. */
function batchStatements(prepare: (text: string) => SQLite.Statement, reader: (text: string) => RowReader): BatchStatements {
  const each = <T>(text: string, args: unknown[][]): T[] => {
    const statement = reader(text);
    const rows: T[] = [];
    for (const a of args) {
      const row = statement.get(a) as T | undefined;
      if (row) rows.push(row);
    }
    return rows;
  };
  const runEach = (text: string, args: unknown[][]): number => {
    const statement = prepare(text);
    let changes = 0;
    for (const a of args) changes += statement.run(...a).changes;
    return changes;
  };
  return {
    lockChats: (ids) =>
      Promise.resolve(
        each<LockedChat>(
          `select ${standingColumns} from chats c where c.id = ?`,
          ids.map((id) => [id]),
        ).map(withConnected),
      ),
    earlier: (keys) =>
      Promise.resolve(
        each<MessageRow>(
          `select ${messageColumns("m")} from messages m where m.sender_id = ? and m.client_id = ?`,
          keys.map((k) => [k.senderId, k.clientId]),
        ),
      ),
    replyTargets: (ids) =>
      Promise.resolve(
        each<ReplyTarget>(
          `${replyTargetFrom} where o.id = ?`,
          ids.map((id) => [id]),
        ),
      ),
    attachments: (ids) =>
      Promise.resolve(
        each<AttachmentRow>(
          `select ${attachmentColumns("a")} from attachments a where a.id = ?`,
          ids.map((id) => [id]),
        ),
      ),
    insertMessages: (rows) => {
      runEach(
        "insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, reply_to_id, created_at, forwarded, system, mentions) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows.map((r) => [r.id, r.chatId, r.seq, r.rev, r.senderId, r.clientId, r.text, r.replyToId, r.createdAt, r.forwarded, r.system, r.mentions]),
      );
      return Promise.resolve();
    },
    linkAttachments: (links) => {
      runEach(
        "update attachments set message_id = ?, position = ? where id = ?",
        links.map((l) => [l.messageId, l.position, l.id]),
      );
      return Promise.resolve();
    },
    updateChats: (now, rows) => {
      runEach(
        "update chats set last_seq = ?, rev = ?, rev_at = ?, last_message_id = ?, activity_at = ?, low_sent = low_sent + ?, high_sent = high_sent + ? where id = ?",
        rows.map((r) => [r.lastSeq, r.rev, r.revAt, r.lastMessageId, now, r.lowSent, r.highSent, r.id]),
      );
      return Promise.resolve();
    },
    membersOf: (chatId, userIds) =>
      Promise.resolve(
        each<MemberRow>(
          `select ${memberColumns("m")} from chat_members m where m.chat_id = ? and m.user_id = ?`,
          userIds.map((id) => [chatId, id]),
        ),
      ),
    deviceMarksOf: (chatId, sessionIds) => {
      const statement = reader(
        `select delivered_seq as "deliveredSeq", seen_seq as "seenSeq" from device_receipts
         where chat_id = ? and session_id = ? order by delivered_seq desc, seen_seq desc limit 1`,
      );
      const latest = new Map<string, DeviceMarks>();
      for (const id of sessionIds) {
        const row = statement.get([chatId, id]) as DeviceMarks | undefined;
        if (row) latest.set(id, row);
      }
      return Promise.resolve(latest);
    },
    setReceipts: (chatId, members) => {
      runEach(
        "update chat_members set delivered_seq = ?, seen_seq = ?, peer_seen = ? where chat_id = ? and user_id = ?",
        members.map((m) => [m.deliveredSeq, m.seenSeq, m.peerSeen, chatId, m.userId]),
      );
      return Promise.resolve();
    },
    addDeviceReceipts: (rows) => {
      runEach(
        "insert into device_receipts (chat_id, user_id, session_id, delivered_seq, seen_seq, at) values (?, ?, ?, ?, ?, ?) on conflict do nothing",
        rows.map((r) => [r.chatId, r.userId, r.sessionId, r.deliveredSeq, r.seenSeq, r.at]),
      );
      return Promise.resolve();
    },
  };
}
