import type SQLite from "better-sqlite3";
import type { AttachmentRow, ChatRow, MessageRow } from "./rows.ts";

/**
 * The statements of a batch of sends, each taking the whole batch: on PostgreSQL every method is
 * one round trip (array parameters), so a batch costs the same number of round trips whatever its
 * size; on SQLite there are no round trips, and a prepared statement per row is the cheapest form.
 * send.ts is written once against this.
 */
export type SendStatements = {
  /** These chats with whether their pair is connected, locked until the commit (in id order, so two writers never wait on each other in a cycle). */
  lockChats(ids: string[]): Promise<LockedChat[]>;
  /** Messages stored already under these (sender, client id) pairs. */
  earlier(keys: SendKey[]): Promise<MessageRow[]>;
  /** Messages by id, with their first attachment's kind (what a reply quotes). */
  replyTargets(ids: string[]): Promise<ReplyTarget[]>;
  attachments(ids: string[]): Promise<AttachmentRow[]>;
  /** Returns how many were inserted: a (sender, client id) stored meanwhile is skipped. */
  insertMessages(rows: MessageRow[]): Promise<number>;
  linkAttachments(links: AttachmentLink[]): Promise<void>;
  /** Sets counters computed under the chats' locks; both members: activity `now`, unread up by what the other member sent. */
  updateChats(now: number, rows: ChatUpdate[]): Promise<void>;
};

export type SendKey = { senderId: string; clientId: string };
export type LockedChat = ChatRow & { connected: number | boolean };
export type ReplyTarget = MessageRow & { kind: "image" | "file" | null };
export type AttachmentLink = { id: string; messageId: string; position: number };
export type ChatUpdate = { id: string; lastSeq: number; rev: number; lastMessageId: string; userLow: string; lowUnread: number; highUnread: number };

const connected = "exists(select 1 from connections k where k.user_low = c.user_low and k.user_high = c.user_high) as connected";

const replyTarget = "select o.*, (select a.kind from attachments a where a.message_id = o.id order by a.position limit 1) as kind from messages o";

/** SQLite: the writer holds the database's only write lock for the whole transaction, so reads lock nothing more. */
export function sqliteSendStatements(prepare: (text: string) => SQLite.Statement): SendStatements {
  const each = <T>(text: string, args: unknown[][]): Promise<T[]> => {
    const statement = prepare(text);
    const rows: T[] = [];
    for (const a of args) {
      const row = statement.get(...a) as T | undefined;
      if (row) rows.push(row);
    }
    return Promise.resolve(rows);
  };
  const runEach = (text: string, args: unknown[][]): Promise<number> => {
    const statement = prepare(text);
    let changes = 0;
    for (const a of args) changes += statement.run(...a).changes;
    return Promise.resolve(changes);
  };
  return {
    lockChats: (ids) => each(`select c.*, ${connected} from chats c where c.id = ?`, ids.map((id) => [id])),
    earlier: (keys) => each("select * from messages where sender_id = ? and client_id = ?", keys.map((k) => [k.senderId, k.clientId])),
    replyTargets: (ids) => each(`${replyTarget} where o.id = ?`, ids.map((id) => [id])),
    attachments: (ids) => each("select * from attachments where id = ?", ids.map((id) => [id])),
    insertMessages: (rows) =>
      runEach(
        "insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, reply_to_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (client_id, sender_id) do nothing",
        rows.map((r) => [r.id, r.chat_id, r.seq, r.rev, r.sender_id, r.client_id, r.text, r.reply_to_id, r.created_at]),
      ),
    linkAttachments: (links) => runEach("update attachments set message_id = ?, position = ? where id = ?", links.map((l) => [l.messageId, l.position, l.id])).then(() => undefined),
    updateChats: async (now, rows) => {
      await runEach("update chats set last_seq = ?, rev = ?, last_message_id = ? where id = ?", rows.map((r) => [r.lastSeq, r.rev, r.lastMessageId, r.id]));
      await runEach(
        "update chat_members set activity_at = ?, unread = unread + (case when user_id = ? then ? else ? end) where chat_id = ?",
        rows.map((r) => [now, r.userLow, r.lowUnread, r.highUnread, r.id]),
      );
    },
  };
}

type Query = (name: string, text: string, values: unknown[]) => Promise<{ rows: unknown[]; rowCount: number }>;

/** PostgreSQL: one statement per method, rows passed as parallel arrays (`unnest`), named so each is parsed once per connection. */
export function postgresSendStatements(query: Query): SendStatements {
  const rows = async <T>(name: string, text: string, values: unknown[]): Promise<T[]> => (await query(name, text, values)).rows as T[];
  return {
    lockChats: (ids) => rows("send_lock_chats", `select c.*, ${connected} from chats c where c.id = any($1::text[]) order by c.id for update of c`, [ids]),
    earlier: (keys) =>
      rows(
        "send_earlier",
        "select m.* from messages m join unnest($1::text[], $2::text[]) k(s, c) on m.sender_id = k.s and m.client_id = k.c",
        [keys.map((k) => k.senderId), keys.map((k) => k.clientId)],
      ),
    replyTargets: (ids) => (ids.length === 0 ? Promise.resolve([]) : rows("send_reply_targets", `${replyTarget} where o.id = any($1::text[])`, [ids])),
    attachments: (ids) => (ids.length === 0 ? Promise.resolve([]) : rows("send_attachments", "select * from attachments where id = any($1::text[])", [ids])),
    insertMessages: async (messages) =>
      (
        await query(
          "send_insert",
          // In the unique index's (client id, sender) order: two batches in flight that carry the
          // same keys then take its locks in the same order and never deadlock.
          `insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, reply_to_id, created_at)
           select * from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
             as v(id, chat_id, seq, rev, sender_id, client_id, text, reply_to_id, created_at)
           order by v.client_id, v.sender_id
           on conflict (client_id, sender_id) do nothing`,
          [
            messages.map((m) => m.id),
            messages.map((m) => m.chat_id),
            messages.map((m) => m.seq),
            messages.map((m) => m.rev),
            messages.map((m) => m.sender_id),
            messages.map((m) => m.client_id),
            messages.map((m) => m.text),
            messages.map((m) => m.reply_to_id),
            messages.map((m) => m.created_at),
          ],
        )
      ).rowCount,
    linkAttachments: async (links) => {
      if (links.length === 0) return;
      await query(
        "send_link_attachments",
        "update attachments a set message_id = v.m, position = v.p from unnest($1::text[], $2::text[], $3::int[]) v(id, m, p) where a.id = v.id",
        [links.map((l) => l.id), links.map((l) => l.messageId), links.map((l) => l.position)],
      );
    },
    updateChats: async (now, chats) => {
      await query(
        "send_update_chats",
        `with v as (select * from unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::int[], $8::int[]) v(id, s, r, m, low, lu, hu)),
           c as (update chats c set last_seq = v.s, rev = v.r, last_message_id = v.m from v where c.id = v.id)
         update chat_members m set activity_at = $1, unread = m.unread + (case when m.user_id = v.low then v.lu else v.hu end) from v where m.chat_id = v.id`,
        [
          now,
          chats.map((c) => c.id),
          chats.map((c) => c.lastSeq),
          chats.map((c) => c.rev),
          chats.map((c) => c.lastMessageId),
          chats.map((c) => c.userLow),
          chats.map((c) => c.lowUnread),
          chats.map((c) => c.highUnread),
        ],
      );
    },
  };
}
