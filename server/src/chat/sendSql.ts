import type SQLite from "better-sqlite3";
import type { AttachmentRow, ChatRow, MessageRow } from "./rows.ts";

/**
 * The statements of a batch of sends, each taking the whole batch: on PostgreSQL every method is
 * one round trip (array parameters), so a batch costs the same number of round trips whatever its
 * size; on SQLite there are no round trips, and a prepared statement per row is the cheapest form.
 * send.ts is written once against this.
 */
export type SendStatements = {
  /** These chats, locked until the commit (in id order, so two writers never wait on each other in a cycle). */
  lockChats(ids: string[]): Promise<ChatRow[]>;
  /** Messages stored already under these (sender, client id) pairs. */
  earlier(keys: SendKey[]): Promise<MessageRow[]>;
  /** Of these pairs, the ones that are connected. */
  connected(pairs: Pair[]): Promise<Pair[]>;
  /** Messages by id, with their first attachment's kind (what a reply quotes). */
  replyTargets(ids: string[]): Promise<ReplyTarget[]>;
  attachments(ids: string[]): Promise<AttachmentRow[]>;
  /** Returns how many were inserted: a (sender, client id) stored meanwhile is skipped. */
  insertMessages(rows: MessageRow[]): Promise<number>;
  linkAttachments(links: AttachmentLink[]): Promise<void>;
  /** Sets counters computed under the chats' locks. */
  updateChats(rows: ChatCounters[]): Promise<void>;
  /** Both members: activity `now`, unread up by what the other member sent. */
  touchMembers(now: number, rows: MemberTouch[]): Promise<void>;
};

export type SendKey = { senderId: string; clientId: string };
export type Pair = { user_low: string; user_high: string };
export type ReplyTarget = MessageRow & { kind: "image" | "file" | null };
export type AttachmentLink = { id: string; messageId: string; position: number };
export type ChatCounters = { id: string; lastSeq: number; rev: number; lastMessageId: string };
export type MemberTouch = { chatId: string; userLow: string; lowUnread: number; highUnread: number };

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
    lockChats: (ids) => each("select * from chats where id = ?", ids.map((id) => [id])),
    earlier: (keys) => each("select * from messages where sender_id = ? and client_id = ?", keys.map((k) => [k.senderId, k.clientId])),
    connected: (pairs) => each("select user_low, user_high from connections where user_low = ? and user_high = ?", pairs.map((p) => [p.user_low, p.user_high])),
    replyTargets: (ids) => each(`${replyTarget} where o.id = ?`, ids.map((id) => [id])),
    attachments: (ids) => each("select * from attachments where id = ?", ids.map((id) => [id])),
    insertMessages: (rows) =>
      runEach(
        "insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, reply_to_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (sender_id, client_id) do nothing",
        rows.map((r) => [r.id, r.chat_id, r.seq, r.rev, r.sender_id, r.client_id, r.text, r.reply_to_id, r.created_at]),
      ),
    linkAttachments: (links) => runEach("update attachments set message_id = ?, position = ? where id = ?", links.map((l) => [l.messageId, l.position, l.id])).then(() => undefined),
    updateChats: (rows) => runEach("update chats set last_seq = ?, rev = ?, last_message_id = ? where id = ?", rows.map((r) => [r.lastSeq, r.rev, r.lastMessageId, r.id])).then(() => undefined),
    touchMembers: (now, rows) =>
      runEach(
        "update chat_members set activity_at = ?, unread = unread + (case when user_id = ? then ? else ? end) where chat_id = ?",
        rows.map((r) => [now, r.userLow, r.lowUnread, r.highUnread, r.chatId]),
      ).then(() => undefined),
  };
}

type Query = (name: string, text: string, values: unknown[]) => Promise<{ rows: unknown[]; rowCount: number }>;

/** PostgreSQL: one statement per method, rows passed as parallel arrays (`unnest`), named so each is parsed once per connection. */
export function postgresSendStatements(query: Query): SendStatements {
  const rows = async <T>(name: string, text: string, values: unknown[]): Promise<T[]> => (await query(name, text, values)).rows as T[];
  return {
    lockChats: (ids) => rows("send_lock_chats", "select * from chats where id = any($1::text[]) order by id for update", [ids]),
    earlier: (keys) =>
      rows(
        "send_earlier",
        "select m.* from messages m join unnest($1::text[], $2::text[]) k(s, c) on m.sender_id = k.s and m.client_id = k.c",
        [keys.map((k) => k.senderId), keys.map((k) => k.clientId)],
      ),
    connected: (pairs) =>
      rows(
        "send_connected",
        "select c.user_low, c.user_high from connections c join unnest($1::text[], $2::text[]) k(l, h) on c.user_low = k.l and c.user_high = k.h",
        [pairs.map((p) => p.user_low), pairs.map((p) => p.user_high)],
      ),
    replyTargets: (ids) => (ids.length === 0 ? Promise.resolve([]) : rows("send_reply_targets", `${replyTarget} where o.id = any($1::text[])`, [ids])),
    attachments: (ids) => (ids.length === 0 ? Promise.resolve([]) : rows("send_attachments", "select * from attachments where id = any($1::text[])", [ids])),
    insertMessages: async (messages) =>
      (
        await query(
          "send_insert",
          `insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, reply_to_id, created_at)
           select * from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
           on conflict (sender_id, client_id) do nothing`,
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
    updateChats: async (chats) => {
      await query(
        "send_update_chats",
        "update chats c set last_seq = v.s, rev = v.r, last_message_id = v.m from unnest($1::text[], $2::int[], $3::int[], $4::text[]) v(id, s, r, m) where c.id = v.id",
        [chats.map((c) => c.id), chats.map((c) => c.lastSeq), chats.map((c) => c.rev), chats.map((c) => c.lastMessageId)],
      );
    },
    touchMembers: async (now, members) => {
      await query(
        "send_touch_members",
        `update chat_members m set activity_at = $1, unread = m.unread + (case when m.user_id = v.low then v.lu else v.hu end)
         from unnest($2::text[], $3::text[], $4::int[], $5::int[]) v(chat_id, low, lu, hu) where m.chat_id = v.chat_id`,
        [now, members.map((r) => r.chatId), members.map((r) => r.userLow), members.map((r) => r.lowUnread), members.map((r) => r.highUnread)],
      );
    },
  };
}
