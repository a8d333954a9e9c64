import type { AttachmentRow, ChatRow, ChatViewRow, DeviceReachRow, HiddenRow, LockedChat, MemberRow, MessageRow, ReactionRow, ReaderChatRow } from "../rows.ts";
import type { ChangesAfter, ChatReads, ChatWrites, ReplyTarget, Selector } from "./store.ts";

/** Runs SQL both engines read (`?` placeholders), each text prepared once by the engine's runner. */
export type Runner = {
  all<T>(text: string, ...params: unknown[]): Promise<T[]>;
  get<T>(text: string, ...params: unknown[]): Promise<T | undefined>;
  /** Returns the number of rows changed. */
  run(text: string, ...params: unknown[]): Promise<number>;
};

/** `m.chat_id as "chatId", …`: columns under the names the row types give them. */
function columns<Row>(alias: string, names: readonly (keyof Row & string)[]): string {
  return names.map((name) => `${alias}.${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} as "${name}"`).join(", ");
}

export const messageColumns = (alias: string) =>
  columns<MessageRow>(alias, [
    "id",
    "chatId",
    "seq",
    "rev",
    "senderId",
    "clientId",
    "text",
    "replyToId",
    "createdAt",
    "editedAt",
    "deletedAt",
    "changedAt",
    "forwarded",
    "system",
    "mentions",
  ]);
export const chatColumns = (alias: string) =>
  columns<ChatRow>(alias, [
    "id",
    "userLow",
    "userHigh",
    "createdAt",
    "lastSeq",
    "rev",
    "revAt",
    "lastMessageId",
    "kind",
    "activityAt",
    "minDeliveredSeq",
    "minSeenSeq",
    "lowSent",
    "highSent",
  ]);
export const attachmentColumns = (alias: string) =>
  columns<AttachmentRow>(alias, ["id", "chatId", "uploaderId", "messageId", "position", "kind", "name", "mime", "size", "width", "height", "thumbKey"]);
const reactionColumns = (alias: string) => columns<ReactionRow>(alias, ["messageId", "userId", "emoji", "createdAt"]);
export const memberColumns = (alias: string) =>
  columns<MemberRow>(alias, ["chatId", "userId", "deliveredSeq", "seenSeq", "peerSeen", "activityAt", "role", "fromSeq", "leftSeq", "leftRev"]);

/** Whether the chat `c`'s pair is connected: the fact the access rule needs to let a member write. */
export const connectedColumn = "exists(select 1 from connections k where k.user_low = c.user_low and k.user_high = c.user_high) as connected";

/** Whether only admins may send in the group `c` (0 for a 1-1 chat). */
const onlyAdminsSendColumn = `coalesce((select g.only_admins_send from groups g where g.chat_id = c.id), 0) as "onlyAdminsSend"`;

/** The chat `c` with whether its pair is connected (a LockedChat, before any lock). */
export const standingColumns = `${chatColumns("c")}, ${connectedColumn}, ${onlyAdminsSendColumn}`;

/** A message `o` with its first attachment's kind (what a reply quotes). */
export const replyTargetFrom = `select ${messageColumns("o")}, (select a.kind from attachments a where a.message_id = o.id order by a.position limit 1) as kind from messages o`;

/** SQLite answers `exists` with 0 or 1; the rows say true or false on both engines. */
export function withConnected<T extends { connected: boolean }>(row: T): T {
  const fact: { connected: boolean; onlyAdminsSend?: boolean } = row;
  fact.connected = Boolean(fact.connected);
  if ("onlyAdminsSend" in fact) fact.onlyAdminsSend = Boolean(fact.onlyAdminsSend);
  return row;
}

/**
 * The message `m` is one `?` (a user) may see: any message of a 1-1 chat; in a group, one sent
 * during one of their stays (ADR 0008: `from_seq < seq <= to_seq`).
 */
export const visibleAs = (chatId: string, seq: string) => `not exists (select 1 from chats vc where vc.id = ${chatId} and vc.kind = 'group' and not exists (
  select 1 from chat_memberships s where s.chat_id = ${chatId} and s.user_id = ? and s.from_seq < ${seq} and (s.to_seq is null or ${seq} <= s.to_seq)))`;
const visibleTo = visibleAs("m.chat_id", "m.seq");

function condition(s: Selector): { where: string; params: unknown[] } {
  if (s.by === "seqRange") return { where: "m.chat_id = ? and m.seq between ? and ?", params: [s.chatId, s.from, s.to] };
  if (s.by === "changes") return { where: `m.id in (${changesOf("id", "union all")})`, params: changesParams(s.changes) };
  return { where: "m.id = ?", params: [s.id] };
}

const changesOf = (selected: string, union: string) =>
  `select ${selected} from messages where chat_id = ? and seq > ? and rev > ? ${union} select ${selected} from messages where chat_id = ? and changed_at is not null and rev > ?`;

function changesParams(c: ChangesAfter): unknown[] {
  return [c.chatId, Math.max(0, c.lastSeq - (c.chatRev - c.rev)), c.rev, c.chatId, c.rev];
}

/**
 * A chat's activity: on the chat row, written with every message (a HOT update: nothing indexes it).
 * A 1-1 chat without a message since that change (one just made, or quiet since) has its members'
 * `activity_at`, which a message used to write: indexed, that was a new index entry per member per message.
 */
const activity = "coalesce(c.activity_at, me.activity_at)";

const chatViewFrom = `${chatColumns("c").replace('c.activity_at as "activityAt", ', "")}, me.delivered_seq as "deliveredSeq", me.seen_seq as "seenSeq",
  (case when me.user_id = c.user_low then c.high_sent else c.low_sent end) - me.peer_seen as unread,
  ${activity} as "activityAt", me.hidden,
  me.pinned_at as "pinnedAt", me.archived_at as "archivedAt", me.muted_until as "mutedUntil", me.marked_unread as "markedUnread", me.settings_rev as "settingsRev",
  coalesce(them.delivered_seq, c.min_delivered_seq) as "theirDeliveredSeq", coalesce(them.seen_seq, c.min_seen_seq) as "theirSeenSeq",
  u.id as "peerId", u.name as "peerName", u.username as "peerUsername", u.bio as "peerBio", u.bio_visibility as "peerBioVisibility", u.avatar_id as "peerAvatarId",
  me.role, me.from_seq as "fromSeq", me.left_seq as "leftSeq", me.left_rev as "leftRev",
  g.name as "groupName", g.description as "groupDescription", g.avatar_id as "groupAvatarId", g.only_admins_send as "onlyAdminsSend",
  g.only_admins_edit as "onlyAdminsEdit", g.created_by as "groupCreatedBy", g.member_count as "memberCount",
  ${connectedColumn}
  from chat_members me join chats c on c.id = me.chat_id
  left join chat_members them on c.kind = 'direct' and them.chat_id = c.id and them.user_id <> me.user_id
  left join users u on u.id = them.user_id
  left join groups g on g.chat_id = c.id`;

const messagesOf = messageColumns("messages").replaceAll("messages.", "");

/** The message `m` is not one `?` (a user) deleted for themselves. */
const notHidden = "not exists (select 1 from hidden_messages h where h.user_id = ? and h.message_id = m.id)";

const chatOfReader = `select ${chatColumns("c")}, me.hidden as "readerHidden" from chats c
  left join chat_members me on me.chat_id = c.id and me.user_id = ? where c.id = ?`;

/**
 * The protocol's Message as JSON, written by the database (`HistoryRow`): a page's rows are never
 * built as objects, and the answer is their texts joined. Building 51 rows of 15 columns as objects,
 * rendering and serialising them was ~200 µs of a SQLite page's CPU; this ~100 µs (docs/performance.md).
 * The keys are in `messageView`'s order. `json` and `build` are the engine's JSON functions (SQLite's:
 * PostgreSQL's json_build_object cost its backend more than it saved the server, see postgres.ts).
 */
export function messageJson(build: string, json: (value: string) => string, flag: string): string {
  return `${build}('id', m.id, 'chatId', m.chat_id, 'seq', m.seq, 'rev', m.rev, 'senderId', m.sender_id, 'clientId', m.client_id,
    'text', m.text, 'replyTo', m.reply_to_id, 'attachments', ${json("'[]'")}, 'reactions', ${json("'[]'")},
    'createdAt', m.created_at, 'editedAt', m.edited_at, 'deletedAt', m.deleted_at, 'forwarded', ${flag},
    'system', ${json("m.system")}, 'mentions', coalesce(${json("m.mentions")}, ${json("'[]'")}))`;
}

/**
 * `history`'s statement over the engine's select list `columns` (rows of type R). The stays are
 * checked only in a group, the reader's own deletions only when they made some: each is a lookup per
 * row (the stays were a third of a page's time).
 */
export function historyStatement<R extends { seq: number }>(q: Runner, columns: string): (...args: Parameters<ChatReads["history"]>) => Promise<R[]> {
  // Each variant's text made once: the runner finds its prepared statement by the text.
  const texts = new Map<string, { after: string; before: string; newest: string }>();
  const textsOf = (checks: { group: boolean; hidden: boolean }) => {
    const key = `${checks.group}:${checks.hidden}`;
    let found = texts.get(key);
    if (!found) {
      const selected = `select ${columns} from messages m where m.chat_id = ?${checks.hidden ? ` and ${notHidden}` : ""}${checks.group ? ` and ${visibleTo}` : ""}`;
      found = {
        after: `${selected} and m.seq > ? order by m.seq limit ?`,
        before: `${selected} and m.seq < ? order by m.seq desc limit ?`,
        newest: `${selected} order by m.seq desc limit ?`,
      };
      texts.set(key, found);
    }
    return found;
  };
  return async (chatId, readerId, { before, after }, limit, checks) => {
    const text = textsOf(checks);
    const readers = [...(checks.hidden ? [readerId] : []), ...(checks.group ? [readerId] : [])];
    if (after !== undefined) return q.all<R>(text.after, chatId, ...readers, after, limit);
    const rows = before !== undefined ? await q.all<R>(text.before, chatId, ...readers, before, limit) : await q.all<R>(text.newest, chatId, ...readers, limit);
    return rows.reverse();
  };
}

/** A chat view row as its member sees it: a former group member's chat ends at their leaving (ADR 0008). */
function asMemberSees(row: ChatViewRow): ChatViewRow {
  withConnected(row);
  row.activityAt = Number(row.activityAt);
  if (row.leftSeq === null || row.leftRev === null) return row;
  return { ...row, lastSeq: row.leftSeq, rev: row.leftRev, lastMessageId: null };
}

/** The statements both engines read the same way. */
export function sharedStatements(q: Runner): Omit<ChatReads, "history"> & ChatWrites {
  const views = async (text: string, ...params: unknown[]) => (await q.all<ChatViewRow>(text, ...params)).map(asMemberSees);
  return {
    chat: (chatId) => q.get<ChatRow>(`select ${chatColumns("c")} from chats c where c.id = ?`, chatId),
    chatOfReader: (chatId, userId) => q.get<ReaderChatRow>(chatOfReader, userId, chatId),
    standing: async (chatId) => {
      const row = await q.get<LockedChat>(`select ${standingColumns} from chats c where c.id = ?`, chatId);
      return row && withConnected(row);
    },
    chatOfPair: async (userLow, userHigh) => (await q.get<{ id: string }>("select id from chats where user_low = ? and user_high = ?", userLow, userHigh))?.id,
    pairConnected: async (userLow, userHigh) =>
      (await q.get("select 1 as one from connections where user_low = ? and user_high = ?", userLow, userHigh)) !== undefined,
    othersBetween: async (chatId, after, upTo, userId) =>
      (
        await q.get<{ n: number }>(
          "select count(*) as n from messages where chat_id = ? and seq > ? and seq <= ? and sender_id <> ?",
          chatId,
          after,
          upTo,
          userId,
        )
      )?.n ?? 0,
    chatView: async (userId, chatId) => {
      const row = await q.get<ChatViewRow>(`select ${chatViewFrom} where me.user_id = ? and me.chat_id = ?`, userId, chatId);
      return row && asMemberSees(row);
    },
    chatViewsBefore: (userId, before, limit) =>
      views(
        `select ${chatViewFrom} where me.user_id = ? and ${activity} < ? and c.last_seq > 0 order by ${activity} desc, me.chat_id limit ?`,
        userId,
        before,
        limit,
      ),
    chatViewsAt: (userId, activityAt) =>
      views(`select ${chatViewFrom} where me.user_id = ? and ${activity} = ? and c.last_seq > 0 order by me.chat_id`, userId, activityAt),
    pinnedChatViews: (userId) =>
      views(`select ${chatViewFrom} where me.user_id = ? and me.pinned_at is not null order by me.pinned_at desc, me.chat_id`, userId),
    pinnedCount: async (userId) =>
      Number((await q.get<{ n: number }>("select count(*) as n from chat_members where user_id = ? and pinned_at is not null", userId))?.n ?? 0),
    changedChatViews: (userId) => views(`select ${chatViewFrom} where me.user_id = ? and c.rev > 0 order by ${activity} desc`, userId),
    message: (messageId) => q.get<MessageRow>(`select ${messageColumns("m")} from messages m where m.id = ?`, messageId),
    chatIdOf: async (messageId) => (await q.get<{ chatId: string }>(`select chat_id as "chatId" from messages where id = ?`, messageId))?.chatId,
    // Bounded by the chat's rev as the reader sees it: a former member hears of no change after their leaving.
    changedMessages: (changes, readerId) =>
      q.all<MessageRow>(
        `select * from (${changesOf(messagesOf, "union")}) m where ${notHidden} and ${visibleAs('m."chatId"', 'm."seq"')} and m."rev" <= ? order by "rev"`,
        ...changesParams(changes),
        readerId,
        readerId,
        changes.chatRev,
      ),
    lastShown: (chatId, readerId) =>
      q.get<MessageRow>(
        `select ${messageColumns("m")} from messages m where m.chat_id = ? and ${notHidden} and ${visibleTo} order by m.seq desc limit 1`,
        chatId,
        readerId,
        readerId,
      ),
    isHidden: async (userId, messageId) =>
      (await q.get("select 1 as one from hidden_messages where user_id = ? and message_id = ?", userId, messageId)) !== undefined,
    hiddenAfter: async (chatId, userId, n, limit) =>
      (
        await q.all<{ messageId: string }>(
          `select message_id as "messageId" from hidden_messages where chat_id = ? and user_id = ? and n > ? order by n limit ?`,
          chatId,
          userId,
          n,
          limit,
        )
      ).map((r) => r.messageId),
    attachmentsOf: (selector) => {
      const { where, params } = condition(selector);
      return q.all<AttachmentRow>(
        `select ${attachmentColumns("a")} from messages m join attachments a on a.message_id = m.id where ${where} order by a.message_id, a.position`,
        ...params,
      );
    },
    reactionsOf: (selector) => {
      const { where, params } = condition(selector);
      return q.all<ReactionRow>(
        `select ${reactionColumns("r")} from messages m join reactions r on r.message_id = m.id where ${where} order by r.created_at, r.user_id`,
        ...params,
      );
    },
    repliedTo: (selector) => {
      const { where, params } = condition(selector);
      return q.all<ReplyTarget>(`${replyTargetFrom} join messages m on o.id = m.reply_to_id where ${where}`, ...params);
    },
    devicesReaching: async (chatId, userId, seq) =>
      (
        await q.all<DeviceReachRow>(
          // Watermarks only grow, so a device's earliest row past `seq` is its first advance there.
          `select r.session_id as "sessionId", r.delivered_at as "deliveredAt", r.read_at as "readAt",
             s.device_name as "deviceName", s.device_platform as "devicePlatform", s.revoked_at as "revokedAt", s.expires_at as "expiresAt", s.id is not null as known
           from (select session_id, min(at) as delivered_at, min(case when seen_seq >= ? then at end) as read_at
                 from device_receipts where chat_id = ? and user_id = ? and delivered_seq >= ? group by session_id) r
           left join auth_sessions s on s.id = r.session_id
           order by r.delivered_at, r.session_id`,
          seq,
          chatId,
          userId,
          seq,
        )
      ).map((row) => ({ ...row, deliveredAt: Number(row.deliveredAt), readAt: row.readAt === null ? null : Number(row.readAt), known: Boolean(row.known) })),

    createChat: async ({ id, userLow, userHigh, createdAt }) => {
      const inserted = await q.run(
        "insert into chats (id, user_low, user_high, created_at) values (?, ?, ?, ?) on conflict (user_low, user_high) do nothing",
        id,
        userLow,
        userHigh,
        createdAt,
      );
      if (inserted === 0) return false;
      await q.run("insert into chat_members (chat_id, user_id, activity_at) values (?, ?, ?), (?, ?, ?)", id, userLow, createdAt, id, userHigh, createdAt);
      return true;
    },
    setChatRev: async (chatId, rev, revAt) => void (await q.run("update chats set rev = ?, rev_at = ? where id = ?", rev, revAt, chatId)),
    updateMessage: async (m) =>
      void (await q.run(
        "update messages set text = ?, edited_at = ?, deleted_at = ?, rev = ?, changed_at = ? where id = ?",
        m.text,
        m.editedAt,
        m.deletedAt,
        m.rev,
        m.changedAt,
        m.id,
      )),
    setReaction: async ({ messageId, userId, emoji, createdAt }) =>
      (await q.run(
        `insert into reactions (message_id, user_id, emoji, created_at) values (?, ?, ?, ?)
         on conflict (message_id, user_id) do update set emoji = excluded.emoji, created_at = excluded.created_at where reactions.emoji <> excluded.emoji`,
        messageId,
        userId,
        emoji,
        createdAt,
      )) > 0,
    removeReaction: async (messageId, userId) => (await q.run("delete from reactions where message_id = ? and user_id = ?", messageId, userId)) > 0,
    removeReactions: async (messageId) => void (await q.run("delete from reactions where message_id = ?", messageId)),
    countHide: async (chatId, userId, by) =>
      Number(
        (await q.get<{ hidden: number }>("update chat_members set hidden = hidden + ? where chat_id = ? and user_id = ? returning hidden", by, chatId, userId))
          ?.hidden ?? 0,
      ),
    insertHidden: async ({ userId, messageId, chatId, n, hiddenAt }: HiddenRow) =>
      void (await q.run(
        "insert into hidden_messages (user_id, message_id, chat_id, n, hidden_at) values (?, ?, ?, ?, ?)",
        userId,
        messageId,
        chatId,
        n,
        hiddenAt,
      )),
    setSettings: async (chatId, userId, s) =>
      void (await q.run(
        "update chat_members set pinned_at = ?, archived_at = ?, muted_until = ?, marked_unread = ?, settings_rev = ? where chat_id = ? and user_id = ?",
        s.pinnedAt,
        s.archivedAt,
        s.mutedUntil,
        s.markedUnread,
        s.settingsRev,
        chatId,
        userId,
      )),
  };
}
