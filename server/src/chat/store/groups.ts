import type { Selectable } from "kysely";
import type { GroupInvitesTable, GroupsTable } from "../../db/schema.ts";
import type { GroupMemberRow } from "../rows.ts";
import type { Runner } from "./shared.ts";

export type GroupRow = Selectable<GroupsTable>;
export type InviteRow = Selectable<GroupInvitesTable>;
/** A current member with what GroupInfo shows of them. */
export type MemberCardRow = {
  userId: string;
  role: "member" | "admin";
  joinedAt: number;
  name: string | null;
  username: string | null;
  bio: string | null;
  bioVisibility: "connections" | "everyone";
  avatarId: string | null;
};
export type JoinRequestRow = MemberCardRow extends infer R ? Omit<R, "role" | "joinedAt"> & { requestedAt: number } : never;
/** When one member's devices first reached a message (message info of a group message). */
export type MemberReachRow = { userId: string; deliveredAt: number | null; readAt: number | null };
export type Marks = { deliveredSeq: number; seenSeq: number };

/**
 * The group tables' statements (ADR 0008), in the chat store because they run in the chat's
 * transactions: a membership change and its system line commit together, under the chat's lock.
 * Fixed SQL both engines read (`?` placeholders). Groups owns these tables; only the groups
 * service (and the send path's reads) calls them.
 */
export type GroupStatements = {
  group(chatId: string): Promise<GroupRow | undefined>;
  createGroupChat(chatId: string, now: number): Promise<void>;
  insertGroup(row: GroupRow): Promise<void>;
  updateGroup(row: Pick<GroupRow, "chatId" | "name" | "description" | "avatarId" | "onlyAdminsSend" | "onlyAdminsEdit" | "memberCount">): Promise<void>;
  /** How many groups `userId` created since `since`, and when the first of them was. */
  groupsCreatedSince(userId: string, since: number): Promise<{ count: number; first: number | null }>;
  /** Every person who is or was in the chats (role null: left), for the access rule. */
  standingsIn(chatIds: string[]): Promise<GroupMemberRow[]>;
  memberStanding(chatId: string, userId: string): Promise<GroupMemberRow | undefined>;
  /** The current members' ids. */
  memberIds(chatId: string): Promise<string[]>;
  /** A person's name now (null when they set none or the account is gone): system lines and previews name people with it. */
  personName(userId: string): Promise<string | null>;
  memberCards(chatId: string): Promise<MemberCardRow[]>;
  /** Starts a stay: the member sees messages after `fromSeq` and has seen up to `seenSeq` (their join line). */
  startStay(row: { chatId: string; userId: string; role: "member" | "admin"; fromSeq: number; seenSeq: number; now: number }): Promise<void>;
  /** Ends the current stay at `leftSeq` / `leftRev` (the seq and rev of the line that says so). */
  endStay(row: { chatId: string; userId: string; leftSeq: number; leftRev: number; reason: "left" | "removed"; now: number }): Promise<void>;
  setRole(chatId: string, userId: string, role: "member" | "admin"): Promise<void>;
  /** The current member whose stay began first (the last admin's heir), but `except`. */
  longestMember(chatId: string, except: string): Promise<string | undefined>;
  adminCount(chatId: string): Promise<number>;
  /** A new message's counters on the chat row: one write whatever the group's size. */
  /** `revAt`: when the rev moved (`revMovedAt`), for cluster order. */
  setGroupCounters(row: { chatId: string; lastSeq: number; rev: number; revAt: number; lastMessageId: string; activityAt: number }): Promise<void>;
  /** A member's own message (or line) is read by them: their watermarks move up to it. */
  markOwn(chatId: string, userId: string, seq: number): Promise<void>;
  /** Recomputes the chat's lowest watermarks over its current members; returns them. */
  refreshMins(chatId: string): Promise<Marks>;
  liveInvite(chatId: string, now: number): Promise<InviteRow | undefined>;
  inviteByHash(tokenHash: string): Promise<InviteRow | undefined>;
  insertInvite(row: InviteRow): Promise<void>;
  revokeInvites(chatId: string, now: number): Promise<void>;
  requested(chatId: string, userId: string): Promise<boolean>;
  addJoinRequest(chatId: string, userId: string, now: number): Promise<boolean>;
  removeJoinRequest(chatId: string, userId: string): Promise<boolean>;
  joinRequestCount(chatId: string): Promise<number>;
  joinRequests(chatId: string): Promise<JoinRequestRow[]>;
  memberReach(chatId: string, seq: number): Promise<MemberReachRow[]>;
  userName(userId: string): Promise<string | null>;
  /** Whether `userId` was in the group when message `seq` was sent (one of their stays holds it). */
  sees(chatId: string, userId: string, seq: number): Promise<boolean>;
};

const groupColumns = `g.chat_id as "chatId", g.name, g.description, g.avatar_id as "avatarId", g.only_admins_send as "onlyAdminsSend",
  g.only_admins_edit as "onlyAdminsEdit", g.created_by as "createdBy", g.member_count as "memberCount", g.created_at as "createdAt"`;
const inviteColumns = `token_hash as "tokenHash", chat_id as "chatId", nonce, created_by as "createdBy", created_at as "createdAt",
  expires_at as "expiresAt", revoked_at as "revokedAt", needs_approval as "needsApproval"`;
const cardColumns = `u.id as "userId", u.name, u.username, u.bio, u.bio_visibility as "bioVisibility", u.avatar_id as "avatarId"`;

const num = (value: unknown): number => Number(value ?? 0);

export function groupStatements(q: Runner): GroupStatements {
  return {
    group: async (chatId) => {
      const row = await q.get<GroupRow>(`select ${groupColumns} from groups g where g.chat_id = ?`, chatId);
      return row && { ...row, createdAt: num(row.createdAt), memberCount: num(row.memberCount) };
    },
    createGroupChat: async (chatId, now) =>
      void (await q.run("insert into chats (id, user_low, user_high, created_at, kind, activity_at) values (?, null, null, ?, 'group', ?)", chatId, now, now)),
    insertGroup: async (g) =>
      void (await q.run(
        `insert into groups (chat_id, name, description, avatar_id, only_admins_send, only_admins_edit, created_by, member_count, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        g.chatId,
        g.name,
        g.description,
        g.avatarId,
        g.onlyAdminsSend,
        g.onlyAdminsEdit,
        g.createdBy,
        g.memberCount,
        g.createdAt,
      )),
    updateGroup: async (g) =>
      void (await q.run(
        "update groups set name = ?, description = ?, avatar_id = ?, only_admins_send = ?, only_admins_edit = ?, member_count = ? where chat_id = ?",
        g.name,
        g.description,
        g.avatarId,
        g.onlyAdminsSend,
        g.onlyAdminsEdit,
        g.memberCount,
        g.chatId,
      )),
    groupsCreatedSince: async (userId, since) => {
      const row = await q.get<{ n: number; first: number | null }>(
        "select count(*) as n, min(created_at) as first from groups where created_by = ? and created_at >= ?",
        userId,
        since,
      );
      return { count: num(row?.n), first: row?.first === null || row?.first === undefined ? null : num(row.first) };
    },
    standingsIn: async (chatIds) => {
      const rows: GroupMemberRow[] = [];
      for (const chatId of chatIds)
        rows.push(
          ...(await q.all<GroupMemberRow>(
            `select chat_id as "chatId", user_id as "userId", role, from_seq as "fromSeq" from chat_members where chat_id = ?`,
            chatId,
          )),
        );
      return rows;
    },
    memberStanding: (chatId, userId) =>
      q.get<GroupMemberRow>(
        `select chat_id as "chatId", user_id as "userId", role, from_seq as "fromSeq" from chat_members where chat_id = ? and user_id = ?`,
        chatId,
        userId,
      ),
    memberIds: async (chatId) =>
      (await q.all<{ userId: string }>(`select user_id as "userId" from chat_members where chat_id = ? and role is not null`, chatId)).map((r) => r.userId),
    memberCards: async (chatId) =>
      (
        await q.all<MemberCardRow>(
          `select ${cardColumns}, me.role, s.joined_at as "joinedAt" from chat_members me
           join users u on u.id = me.user_id
           join chat_memberships s on s.chat_id = me.chat_id and s.user_id = me.user_id and s.to_seq is null
           where me.chat_id = ? and me.role is not null
           order by case when me.role = 'admin' then 0 else 1 end, s.joined_at, u.id`,
          chatId,
        )
      ).map((r) => ({ ...r, joinedAt: num(r.joinedAt) })),
    startStay: async ({ chatId, userId, role, fromSeq, seenSeq, now }) => {
      await q.run(
        `insert into chat_members (chat_id, user_id, activity_at, role, from_seq, delivered_seq, seen_seq) values (?, ?, ?, ?, ?, ?, ?)
         on conflict (chat_id, user_id) do update set role = excluded.role, from_seq = excluded.from_seq, left_seq = null, left_rev = null,
           delivered_seq = excluded.delivered_seq, seen_seq = excluded.seen_seq, unread = 0`,
        chatId,
        userId,
        now,
        role,
        fromSeq,
        seenSeq,
        seenSeq,
      );
      await q.run(
        `insert into chat_memberships (chat_id, user_id, epoch, from_seq, joined_at)
         select ?, ?, coalesce(max(epoch), 0) + 1, ?, ? from chat_memberships where chat_id = ? and user_id = ?`,
        chatId,
        userId,
        fromSeq,
        now,
        chatId,
        userId,
      );
    },
    endStay: async ({ chatId, userId, leftSeq, leftRev, reason, now }) => {
      await q.run("update chat_members set role = null, left_seq = ?, left_rev = ? where chat_id = ? and user_id = ?", leftSeq, leftRev, chatId, userId);
      await q.run(
        "update chat_memberships set to_seq = ?, to_rev = ?, left_at = ?, left_reason = ? where chat_id = ? and user_id = ? and to_seq is null",
        leftSeq,
        leftRev,
        now,
        reason,
        chatId,
        userId,
      );
    },
    setRole: async (chatId, userId, role) => void (await q.run("update chat_members set role = ? where chat_id = ? and user_id = ?", role, chatId, userId)),
    longestMember: async (chatId, except) =>
      (
        await q.get<{ userId: string }>(
          `select me.user_id as "userId" from chat_members me
           join chat_memberships s on s.chat_id = me.chat_id and s.user_id = me.user_id and s.to_seq is null
           where me.chat_id = ? and me.role is not null and me.user_id <> ? order by s.from_seq, s.joined_at, me.user_id limit 1`,
          chatId,
          except,
        )
      )?.userId,
    personName: async (userId) => (await q.get<{ name: string | null }>("select name from users where id = ?", userId))?.name ?? null,
    adminCount: async (chatId) => num((await q.get<{ n: number }>("select count(*) as n from chat_members where chat_id = ? and role = 'admin'", chatId))?.n),
    setGroupCounters: async ({ chatId, lastSeq, rev, revAt, lastMessageId, activityAt }) =>
      void (await q.run(
        "update chats set last_seq = ?, rev = ?, rev_at = ?, last_message_id = ?, activity_at = ? where id = ?",
        lastSeq,
        rev,
        revAt,
        lastMessageId,
        activityAt,
        chatId,
      )),
    markOwn: async (chatId, userId, seq) =>
      void (await q.run(
        `update chat_members set delivered_seq = case when delivered_seq < ? then cast(? as integer) else delivered_seq end,
           seen_seq = case when seen_seq < ? then cast(? as integer) else seen_seq end where chat_id = ? and user_id = ?`,
        seq,
        seq,
        seq,
        seq,
        chatId,
        userId,
      )),
    refreshMins: async (chatId) => {
      const row = await q.get<Marks>(
        `update chats set
           min_delivered_seq = coalesce((select min(delivered_seq) from chat_members where chat_id = ? and role is not null), 0),
           min_seen_seq = coalesce((select min(seen_seq) from chat_members where chat_id = ? and role is not null), 0)
         where id = ? returning min_delivered_seq as "deliveredSeq", min_seen_seq as "seenSeq"`,
        chatId,
        chatId,
        chatId,
      );
      return { deliveredSeq: num(row?.deliveredSeq), seenSeq: num(row?.seenSeq) };
    },
    liveInvite: async (chatId, now) =>
      (await q.get<InviteRow>(
        `select ${inviteColumns} from group_invites where chat_id = ? and revoked_at is null and expires_at > ? order by created_at desc limit 1`,
        chatId,
        now,
      )) ?? undefined,
    inviteByHash: (tokenHash) => q.get<InviteRow>(`select ${inviteColumns} from group_invites where token_hash = ?`, tokenHash),
    insertInvite: async (i) =>
      void (await q.run(
        "insert into group_invites (token_hash, chat_id, nonce, created_by, created_at, expires_at, revoked_at, needs_approval) values (?, ?, ?, ?, ?, ?, ?, ?)",
        i.tokenHash,
        i.chatId,
        i.nonce,
        i.createdBy,
        i.createdAt,
        i.expiresAt,
        i.revokedAt,
        i.needsApproval,
      )),
    revokeInvites: async (chatId, now) => void (await q.run("update group_invites set revoked_at = ? where chat_id = ? and revoked_at is null", now, chatId)),
    requested: async (chatId, userId) =>
      (await q.get("select 1 as one from group_join_requests where chat_id = ? and user_id = ?", chatId, userId)) !== undefined,
    addJoinRequest: async (chatId, userId, now) =>
      (await q.run("insert into group_join_requests (chat_id, user_id, requested_at) values (?, ?, ?) on conflict do nothing", chatId, userId, now)) > 0,
    removeJoinRequest: async (chatId, userId) => (await q.run("delete from group_join_requests where chat_id = ? and user_id = ?", chatId, userId)) > 0,
    joinRequestCount: async (chatId) => num((await q.get<{ n: number }>("select count(*) as n from group_join_requests where chat_id = ?", chatId))?.n),
    joinRequests: async (chatId) =>
      (
        await q.all<JoinRequestRow>(
          `select ${cardColumns}, r.requested_at as "requestedAt" from group_join_requests r join users u on u.id = r.user_id
           where r.chat_id = ? order by r.requested_at, u.id`,
          chatId,
        )
      ).map((r) => ({ ...r, requestedAt: num(r.requestedAt) })),
    userName: async (userId) => (await q.get<{ name: string | null }>("select name from users where id = ?", userId))?.name ?? null,
    sees: async (chatId, userId, seq) =>
      (await q.get(
        "select 1 as one from chat_memberships where chat_id = ? and user_id = ? and from_seq < ? and (to_seq is null or ? <= to_seq)",
        chatId,
        userId,
        seq,
        seq,
      )) !== undefined,
    memberReach: async (chatId, seq) =>
      (
        await q.all<MemberReachRow>(
          // Watermarks only grow, so a member's earliest row past `seq` is their first device there.
          `select user_id as "userId", min(at) as "deliveredAt", min(case when seen_seq >= ? then at end) as "readAt"
           from device_receipts where chat_id = ? and delivered_seq >= ? group by user_id`,
          seq,
          chatId,
          seq,
        )
      ).map((r) => ({ userId: r.userId, deliveredAt: r.deliveredAt === null ? null : num(r.deliveredAt), readAt: r.readAt === null ? null : num(r.readAt) })),
  };
}
