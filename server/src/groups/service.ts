import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import {
  avatarOf,
  INVITE_TTL_MS,
  MAX_GROUP_MEMBERS,
  MAX_GROUPS_PER_DAY,
  MAX_JOIN_REQUESTS,
  type AddMembersRequest,
  type Chat,
  type CreateGroupRequest,
  type CreateInviteRequest,
  type GroupCard,
  type GroupInfo,
  type GroupInvite,
  type GroupSettings,
  type InvitePreview,
  type InviteState,
  type JoinRequests,
  type JoinResult,
  type SystemUser,
  type UpdateGroupRequest,
} from "@easyqr/protocol";
import { chatNotFound, notAdmin, notMember } from "../access/chats.ts";
import { connectionIdsOf } from "../access/checks.ts";
import { profileFor } from "../access/profiles.ts";
import type { AvatarService } from "../avatars/service.ts";
import type { ChatService, GroupChangeContext } from "../chat/service.ts";
import type { GroupRow, InviteRow } from "../chat/store/groups.ts";
import type { ChatStatements, ChatStore } from "../chat/store/store.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { fanoutToAll, type UserFanout } from "../fanout.ts";
import type { RateLimiter } from "../rateLimiter.ts";

const DAY_MS = 24 * 60 * 60_000;
/** Invite previews and joins per person, as contact QR previews. */
const INVITE_LOOKUPS = { limit: 60, windowMs: 10 * 60_000 };

export type GroupsDeps = {
  db: Db;
  store: ChatStore;
  chat: ChatService;
  avatars: Pick<AvatarService, "store" | "discard">;
  fanout: UserFanout;
  rateLimiter: RateLimiter;
  clock: Clock;
  secret: string;
  publicUrl: () => string;
};

type Member = { role: "member" | "admin" | null } | undefined;

/**
 * Groups (ADR 0008): owns the group tables (groups, chat_memberships, group_invites,
 * group_join_requests, and chat_members' group columns). Every change runs through
 * `ChatService.groupChange`: in the group's chat transaction, under its lock and in turn with
 * sends, and written down as system lines (messages with seq and rev), so SYNC and history cover it.
 */
export class GroupsService {
  constructor(private readonly deps: GroupsDeps) {}

  async create(userId: string, request: CreateGroupRequest): Promise<Chat> {
    const { db, clock } = this.deps;
    const memberIds = [...new Set(request.memberIds)].filter((id) => id !== userId);
    const connections = new Set(await connectionIdsOf(db, userId));
    const strangers = memberIds.filter((id) => !connections.has(id));
    if (strangers.length > 0) throw new AppError("GROUP_NOT_CONNECTED", "You can add only your connections to a group.", { userIds: strangers });
    if (memberIds.length + 1 > MAX_GROUP_MEMBERS) throw full();
    const chatId = randomUUID();
    const names = await this.namesOf(memberIds);
    const settings = { onlyAdminsSend: false, onlyAdminsEdit: false, ...request.settings };
    await this.deps.chat.groupChange(
      chatId,
      async ({ q, now, line }) => {
        const created = await line(userId, { event: "created", name: request.name });
        await q.startStay({ chatId, userId, role: "admin", fromSeq: 0, seenSeq: created.seq, now });
        if (memberIds.length === 0) return;
        const added = await line(userId, { event: "added", users: names });
        await q.markOwn(chatId, userId, added.seq);
        for (const memberId of memberIds) await q.startStay({ chatId, userId: memberId, role: "member", fromSeq: 0, seenSeq: 0, now });
      },
      async (q) => {
        await q.lockPerson(userId);
        const now = clock.now();
        const since = now - DAY_MS;
        if ((await q.groupsCreatedSince(userId, since)) >= MAX_GROUPS_PER_DAY)
          throw new AppError("GROUP_LIMIT", `You can create up to ${MAX_GROUPS_PER_DAY} groups a day.`, { max: MAX_GROUPS_PER_DAY, retryAfterMs: DAY_MS });
        await q.createGroupChat(chatId, now);
        await q.insertGroup({
          chatId,
          name: request.name,
          description: request.description ? request.description : null,
          avatarId: null,
          onlyAdminsSend: settings.onlyAdminsSend ? 1 : 0,
          onlyAdminsEdit: settings.onlyAdminsEdit ? 1 : 0,
          createdBy: userId,
          memberCount: memberIds.length + 1,
          createdAt: now,
        });
      },
    );
    await this.announceMembership(chatId, [userId, ...memberIds]);
    return this.deps.chat.chat(userId, chatId);
  }

  async info(userId: string, chatId: string): Promise<GroupInfo> {
    // Read before the store's: on SQLite the store holds the one connection while it reads.
    const connections = new Set(await connectionIdsOf(this.deps.db, userId));
    return this.deps.store.read(async (q) => {
      const { group, member } = await this.current(q, chatId, userId);
      const members = (await q.memberCards(chatId)).map((m) => ({
        user: profileFor(
          { id: m.userId, name: m.name, username: m.username, bio: m.bio, bioVisibility: m.bioVisibility, avatarId: m.avatarId },
          m.userId === userId ? "self" : connections.has(m.userId) ? "connection" : "stranger",
        ),
        role: m.role,
        joinedAt: m.joinedAt,
      }));
      return { chatId, group: cardOf(group), members, pendingRequests: member.role === "admin" ? await q.joinRequestCount(chatId) : 0 };
    });
  }

  async update(userId: string, chatId: string, request: UpdateGroupRequest): Promise<GroupCard> {
    const card = await this.change(chatId, userId, async ({ q, line }, group, member) => {
      const edits = request.name !== undefined || request.description !== undefined;
      if (request.settings !== undefined && member.role !== "admin") throw notAdmin();
      if (edits && group.onlyAdminsEdit === 1 && member.role !== "admin") throw notAdmin();
      const next = { ...group };
      if (request.name !== undefined && request.name !== group.name) {
        next.name = request.name;
        await line(userId, { event: "renamed", name: request.name });
      }
      const description = request.description ? request.description : null;
      if (request.description !== undefined && description !== group.description) {
        next.description = description;
        await line(userId, { event: "description_changed" });
      }
      if (request.settings) {
        const settings: GroupSettings = { ...settingsOf(group), ...request.settings };
        if (settings.onlyAdminsSend !== (group.onlyAdminsSend === 1) || settings.onlyAdminsEdit !== (group.onlyAdminsEdit === 1)) {
          next.onlyAdminsSend = settings.onlyAdminsSend ? 1 : 0;
          next.onlyAdminsEdit = settings.onlyAdminsEdit ? 1 : 0;
          await line(userId, { event: "settings_changed", settings });
        }
      }
      await q.updateGroup(next);
      return next;
    });
    return this.announceCard(chatId, card);
  }

  async setPhoto(userId: string, chatId: string, upload: Buffer): Promise<GroupCard> {
    // Checked before the image is processed, and again in the change.
    await this.deps.store.read(async (q) => this.mayEditCard(await this.current(q, chatId, userId)));
    const avatarId = await this.deps.avatars.store(upload);
    return this.replacePhoto(userId, chatId, avatarId);
  }

  removePhoto(userId: string, chatId: string): Promise<GroupCard> {
    return this.replacePhoto(userId, chatId, null);
  }

  async addMembers(userId: string, chatId: string, request: AddMembersRequest): Promise<GroupInfo> {
    // Who may add comes first: a non-member learns nothing of the people named.
    await this.deps.store.read(async (q) => mustBeAdmin((await this.current(q, chatId, userId)).member));
    const connections = new Set(await connectionIdsOf(this.deps.db, userId));
    const wanted = [...new Set(request.userIds)].filter((id) => id !== userId);
    const strangers = wanted.filter((id) => !connections.has(id));
    if (strangers.length > 0) throw new AppError("GROUP_NOT_CONNECTED", "You can add only your connections to a group.", { userIds: strangers });
    const names = await this.namesOf(wanted);
    const card = await this.change(chatId, userId, async ({ q, now, line }, group, member) => {
      mustBeAdmin(member);
      const current = new Set(await q.memberIds(chatId));
      const adding = wanted.filter((id) => !current.has(id));
      if (adding.length === 0) return { ...group, added: [] as string[] };
      if (current.size + adding.length > MAX_GROUP_MEMBERS) throw full();
      const added = await line(userId, { event: "added", users: names.filter((n) => adding.includes(n.id)) });
      for (const id of adding) {
        await q.startStay({ chatId, userId: id, role: "member", fromSeq: added.seq - 1, seenSeq: added.seq, now });
        await q.removeJoinRequest(chatId, id);
      }
      const next = { ...group, memberCount: current.size + adding.length };
      await q.updateGroup(next);
      return { ...next, added: adding };
    });
    if (card.added.length > 0) {
      this.announceCard(chatId, card);
      await this.announceMembership(chatId, card.added);
    }
    return this.info(userId, chatId);
  }

  async removeMember(userId: string, chatId: string, targetId: string): Promise<void> {
    if (targetId === userId) return this.leave(userId, chatId);
    const [target] = await this.namesOf([targetId]);
    const card = await this.change(chatId, userId, async ({ q, now, line }, group, member) => {
      mustBeAdmin(member);
      if (!(await q.memberStanding(chatId, targetId))?.role) throw memberNotFound();
      const removed = await line(userId, { event: "removed", users: target ? [target] : [] });
      await q.endStay({ chatId, userId: targetId, leftSeq: removed.seq, leftRev: removed.rev, reason: "removed", now });
      const next = { ...group, memberCount: group.memberCount - 1 };
      await q.updateGroup(next);
      return next;
    });
    this.announceCard(chatId, card);
    await this.announceMembership(chatId, [targetId]);
  }

  /** Leaving; the last admin leaving makes the member who has been in longest an admin. */
  async leave(userId: string, chatId: string): Promise<void> {
    const result = await this.change(chatId, userId, async ({ q, now, line }, group, member) => {
      const left = await line(userId, { event: "left" });
      await q.endStay({ chatId, userId, leftSeq: left.seq, leftRev: left.rev, reason: "left", now });
      let heir: string | undefined;
      if (member.role === "admin" && (await q.adminCount(chatId)) === 0) {
        heir = await q.longestMember(chatId, userId);
        if (heir) {
          await q.setRole(chatId, heir, "admin");
          await line(userId, { event: "admin_added", users: [{ id: heir, name: await q.userName(heir) }], automatic: true });
        }
      }
      const next = { ...group, memberCount: group.memberCount - 1 };
      await q.updateGroup(next);
      return { card: next, heir };
    });
    this.announceCard(chatId, result.card);
    await this.announceMembership(chatId, result.heir ? [userId, result.heir] : [userId]);
  }

  /** Before an account is deleted: it leaves each of its groups (the heir rule included), so the groups' counts and admins stay right. */
  async leaveAll(userId: string): Promise<void> {
    const rows = await this.deps.db.selectFrom("chatMembers").select("chatId").where("userId", "=", userId).where("role", "is not", null).execute();
    for (const { chatId } of rows) await this.leave(userId, chatId);
  }

  async setAdmin(userId: string, chatId: string, targetId: string, admin: boolean): Promise<void> {
    const names = await this.namesOf([targetId]);
    const changed = await this.change(chatId, userId, async ({ q, line }, _group, member) => {
      mustBeAdmin(member);
      const target = await q.memberStanding(chatId, targetId);
      if (!target?.role) throw memberNotFound();
      if ((target.role === "admin") === admin) return false;
      if (!admin && (await q.adminCount(chatId)) === 1) throw new AppError("GROUP_LAST_ADMIN", "A group needs an admin: make someone else an admin first.");
      await q.setRole(chatId, targetId, admin ? "admin" : "member");
      await line(userId, admin ? { event: "admin_added", users: names, automatic: false } : { event: "admin_removed", users: names });
      return true;
    });
    if (changed) await this.announceMembership(chatId, [targetId]);
  }

  // ---- Invites ------------------------------------------------------------------

  async invite(userId: string, chatId: string): Promise<InviteState> {
    return this.deps.store.read(async (q) => {
      mustBeAdmin((await this.current(q, chatId, userId)).member);
      const live = await q.liveInvite(chatId, this.deps.clock.now());
      return { invite: live ? this.inviteView(live) : null };
    });
  }

  /** A new link, replacing the live one. */
  async createInvite(userId: string, chatId: string, request: CreateInviteRequest): Promise<GroupInvite> {
    const row = await this.deps.store.write(async (q) => {
      await q.lockChats([chatId]);
      mustBeAdmin((await this.current(q, chatId, userId)).member);
      const now = this.deps.clock.now();
      await q.revokeInvites(chatId, now);
      const nonce = randomBytes(16).toString("base64url");
      const invite: InviteRow = {
        tokenHash: hashOf(this.tokenOf(nonce)),
        chatId,
        nonce,
        createdBy: userId,
        createdAt: now,
        expiresAt: now + INVITE_TTL_MS,
        revokedAt: null,
        needsApproval: request.needsApproval ? 1 : 0,
      };
      await q.insertInvite(invite);
      return invite;
    });
    return this.inviteView(row);
  }

  async revokeInvite(userId: string, chatId: string): Promise<void> {
    await this.deps.store.write(async (q) => {
      mustBeAdmin((await this.current(q, chatId, userId)).member);
      await q.revokeInvites(chatId, this.deps.clock.now());
    });
  }

  async preview(userId: string, token: string): Promise<InvitePreview> {
    await this.takeLookup(userId);
    return this.deps.store.read(async (q) => {
      const invite = await this.liveByToken(q, token);
      const group = await q.group(invite.chatId);
      if (!group) throw invalidInvite();
      const standing = await q.memberStanding(invite.chatId, userId);
      const status = standing?.role ? "member" : (await q.requested(invite.chatId, userId)) ? "requested" : "none";
      return {
        chatId: invite.chatId,
        name: group.name,
        description: group.description,
        avatar: avatarOf(group.avatarId),
        memberCount: group.memberCount,
        needsApproval: invite.needsApproval === 1,
        status,
      };
    });
  }

  async join(userId: string, token: string): Promise<JoinResult> {
    await this.takeLookup(userId);
    const invite = await this.deps.store.read((q) => this.liveByToken(q, token));
    const { chatId } = invite;
    if (invite.needsApproval === 1) {
      const asked = await this.deps.store.write(async (q) => {
        await q.lockChats([chatId]);
        if ((await q.memberStanding(chatId, userId))?.role) return "member";
        if ((await q.joinRequestCount(chatId)) >= MAX_JOIN_REQUESTS) throw full(MAX_JOIN_REQUESTS);
        return (await q.addJoinRequest(chatId, userId, this.deps.clock.now())) ? "asked" : "again";
      });
      if (asked === "member") return { chatId, status: "joined" };
      if (asked === "asked") await this.announceRequests(chatId);
      return { chatId, status: "requested" };
    }
    await this.admit(chatId, userId, null, async (q) => {
      // The link may have been revoked since it was read: checked again under the lock.
      await this.liveByToken(q, token);
    });
    return { chatId, status: "joined" };
  }

  async joinRequests(userId: string, chatId: string): Promise<JoinRequests> {
    const connections = new Set(await connectionIdsOf(this.deps.db, userId));
    return this.deps.store.read(async (q) => {
      mustBeAdmin((await this.current(q, chatId, userId)).member);
      const rows = await q.joinRequests(chatId);
      return {
        requests: rows.map((r) => ({
          user: profileFor(
            { id: r.userId, name: r.name, username: r.username, bio: r.bio, bioVisibility: r.bioVisibility, avatarId: r.avatarId },
            connections.has(r.userId) ? "connection" : "stranger",
          ),
          requestedAt: r.requestedAt,
        })),
      };
    });
  }

  async approve(userId: string, chatId: string, requesterId: string): Promise<void> {
    const [approver] = await this.namesOf([userId]);
    await this.admit(chatId, requesterId, approver ?? { id: userId, name: null }, async (q) => {
      const member = await q.memberStanding(chatId, userId);
      if (!member) throw chatNotFound();
      if (!member.role) throw notMember();
      mustBeAdmin(member);
      if (!(await q.removeJoinRequest(chatId, requesterId))) throw requestNotFound();
    });
    await this.announceRequests(chatId);
  }

  async deny(userId: string, chatId: string, requesterId: string): Promise<void> {
    await this.deps.store.write(async (q) => {
      mustBeAdmin((await this.current(q, chatId, userId)).member);
      if (!(await q.removeJoinRequest(chatId, requesterId))) throw requestNotFound();
    });
    await this.announceRequests(chatId);
  }

  // ---- Inside -------------------------------------------------------------------

  /** Lets `userId` in (a new stay: they see from their `joined` line on). False when they were in already. */
  private async admit(chatId: string, userId: string, approvedBy: SystemUser | null, check: (q: ChatStatements) => Promise<void>): Promise<boolean> {
    const card = await this.deps.chat.groupChange(chatId, async ({ q, now, line }) => {
      await check(q);
      if ((await q.memberStanding(chatId, userId))?.role) return undefined;
      const group = await q.group(chatId);
      if (!group) throw chatNotFound();
      if (group.memberCount + 1 > MAX_GROUP_MEMBERS) throw full();
      const joined = await line(userId, { event: "joined", approvedBy });
      await q.startStay({ chatId, userId, role: "member", fromSeq: joined.seq - 1, seenSeq: joined.seq, now });
      await q.removeJoinRequest(chatId, userId);
      const next = { ...group, memberCount: group.memberCount + 1 };
      await q.updateGroup(next);
      return next;
    });
    if (!card) return false;
    this.announceCard(chatId, card);
    await this.announceMembership(chatId, [userId]);
    return true;
  }

  /** A change by a current member (else CHAT_NOT_FOUND or GROUP_NOT_MEMBER), with the group as it is under the lock. */
  private change<T>(
    chatId: string,
    userId: string,
    work: (context: GroupChangeContext, group: GroupRow, member: { role: "member" | "admin" }) => Promise<T>,
  ): Promise<T> {
    return this.deps.chat.groupChange(chatId, async (context) => {
      const { group, member } = await this.current(context.q, chatId, userId);
      return work(context, group, member);
    });
  }

  /** The group and `userId`'s place in it: never in it is CHAT_NOT_FOUND, as for no group; no longer, GROUP_NOT_MEMBER. */
  private async current(q: ChatStatements, chatId: string, userId: string): Promise<{ group: GroupRow; member: { role: "member" | "admin" } }> {
    const group = await q.group(chatId);
    const standing = group ? await q.memberStanding(chatId, userId) : undefined;
    if (!group || !standing) throw chatNotFound();
    if (!standing.role) throw notMember();
    return { group, member: { role: standing.role } };
  }

  private mayEditCard({ group, member }: { group: GroupRow; member: { role: "member" | "admin" } }): void {
    if (group.onlyAdminsEdit === 1 && member.role !== "admin") throw notAdmin();
  }

  private async replacePhoto(userId: string, chatId: string, avatarId: string | null): Promise<GroupCard> {
    let result: { card: GroupRow; previous: string | null };
    try {
      result = await this.change(chatId, userId, async ({ q, line }, group, member) => {
        this.mayEditCard({ group, member });
        if (group.avatarId === avatarId) return { card: group, previous: null };
        const next = { ...group, avatarId };
        await q.updateGroup(next);
        await line(userId, { event: "photo_changed", removed: avatarId === null });
        return { card: next, previous: group.avatarId };
      });
    } catch (error) {
      if (avatarId) await this.deps.avatars.discard(avatarId);
      throw error;
    }
    if (result.previous) await this.deps.avatars.discard(result.previous);
    return this.announceCard(chatId, result.card);
  }

  private async liveByToken(q: ChatStatements, token: string): Promise<InviteRow> {
    const invite = await q.inviteByHash(hashOf(token));
    if (!invite) throw invalidInvite();
    if (invite.revokedAt !== null) throw new AppError("INVITE_REVOKED", "This group invite was reset or revoked.");
    if (Number(invite.expiresAt) <= this.deps.clock.now()) throw new AppError("INVITE_EXPIRED", "This group invite has expired.");
    return invite;
  }

  private takeLookup(userId: string): Promise<void> {
    return this.deps.rateLimiter.take([{ key: `groups:invite:${userId}`, ...INVITE_LOOKUPS }], "Too many group invites were opened; wait a few minutes.");
  }

  /** The token of an invite: derived from its nonce with the server's secret, so only its hash and the nonce are stored. */
  private tokenOf(nonce: string): string {
    return createHmac("sha256", this.deps.secret).update(`group-invite:${nonce}`).digest().subarray(0, 16).toString("base64url");
  }

  private inviteView(row: InviteRow): GroupInvite {
    const token = this.tokenOf(row.nonce);
    return {
      url: `${this.deps.publicUrl()}/join#t=${token}`,
      token,
      expiresAt: Number(row.expiresAt),
      needsApproval: row.needsApproval === 1,
      createdBy: row.createdBy,
      createdAt: Number(row.createdAt),
    };
  }

  private async namesOf(userIds: string[]): Promise<SystemUser[]> {
    if (userIds.length === 0) return [];
    const rows = await this.deps.db.selectFrom("users").select(["id", "name"]).where("id", "in", userIds).execute();
    const byId = new Map(rows.map((r) => [r.id, r.name]));
    return userIds.filter((id) => byId.has(id)).map((id) => ({ id, name: byId.get(id) ?? null }));
  }

  /** GROUP_UPDATED to every current member, encoded once. */
  private announceCard(chatId: string, group: GroupRow): GroupCard {
    const card = cardOf(group);
    void this.deps.store
      .read((q) => q.memberIds(chatId))
      .then((members) => fanoutToAll(this.deps.fanout, members, { type: "GROUP_UPDATED", chatId, group: card }));
    return card;
  }

  /** GROUP_MEMBERSHIP to each person whose place changed: the chat as they now see it. */
  private async announceMembership(chatId: string, userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      const chat = await this.deps.chat.chat(userId, chatId);
      this.deps.fanout(userId, { type: "GROUP_MEMBERSHIP", chat });
    }
  }

  private async announceRequests(chatId: string): Promise<void> {
    const { admins, pending } = await this.deps.store.read(async (q) => ({
      admins: (await q.memberCards(chatId)).filter((m) => m.role === "admin").map((m) => m.userId),
      pending: await q.joinRequestCount(chatId),
    }));
    fanoutToAll(this.deps.fanout, admins, { type: "GROUP_JOIN_REQUESTS", chatId, pending });
  }
}

function cardOf(group: GroupRow): GroupCard {
  return {
    name: group.name,
    description: group.description,
    avatar: avatarOf(group.avatarId),
    memberCount: group.memberCount,
    settings: settingsOf(group),
    createdBy: group.createdBy,
    createdAt: Number(group.createdAt),
  };
}

function settingsOf(group: GroupRow): GroupSettings {
  return { onlyAdminsSend: group.onlyAdminsSend === 1, onlyAdminsEdit: group.onlyAdminsEdit === 1 };
}

function mustBeAdmin(member: Member): void {
  if (member?.role !== "admin") throw notAdmin();
}

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

function full(max = MAX_GROUP_MEMBERS): AppError {
  return new AppError("GROUP_FULL", `A group holds at most ${max} members.`, { max });
}

function memberNotFound(): AppError {
  return new AppError("GROUP_MEMBER_NOT_FOUND", "That person is not a member of this group.");
}

function requestNotFound(): AppError {
  return new AppError("GROUP_JOIN_REQUEST_NOT_FOUND", "No such join request.");
}

function invalidInvite(): AppError {
  return new AppError("INVITE_INVALID", "This is not a group invite.");
}
