import type { GroupChat } from "@easyqr/protocol";
import { Chat, GroupInfo, GroupInvite, JoinResult } from "@easyqr/protocol";
import { call, type Reply, type SignedIn } from "./api.ts";
import { connect, makeUsers, ok } from "./contacts.ts";
import type { TestServer } from "./harness.ts";

/** The groups REST API as one user. */
export function groupsOf(server: TestServer, user: SignedIn) {
  const token = user.tokens.accessToken;
  const at = (chatId: string, rest = "") => `/api/groups/${chatId}${rest}`;
  return {
    create: (body: object) => call(server, "POST", "/api/groups", { token, body }),
    info: (chatId: string) => call(server, "GET", at(chatId), { token }),
    update: (chatId: string, body: object) => call(server, "PATCH", at(chatId), { token, body }),
    removePhoto: (chatId: string) => call(server, "DELETE", at(chatId, "/photo"), { token }),
    add: (chatId: string, userIds: string[]) => call(server, "POST", at(chatId, "/members"), { token, body: { userIds } }),
    remove: (chatId: string, userId: string) => call(server, "DELETE", at(chatId, `/members/${userId}`), { token }),
    leave: (chatId: string) => call(server, "POST", at(chatId, "/leave"), { token }),
    makeAdmin: (chatId: string, userId: string) => call(server, "PUT", at(chatId, `/admins/${userId}`), { token }),
    unmakeAdmin: (chatId: string, userId: string) => call(server, "DELETE", at(chatId, `/admins/${userId}`), { token }),
    invite: (chatId: string) => call(server, "GET", at(chatId, "/invite"), { token }),
    createInvite: (chatId: string, needsApproval = false) => call(server, "POST", at(chatId, "/invite"), { token, body: { needsApproval } }),
    revokeInvite: (chatId: string) => call(server, "DELETE", at(chatId, "/invite"), { token }),
    preview: (inviteToken: string) => call(server, "POST", "/api/groups/invites/preview", { token, body: { token: inviteToken } }),
    join: (inviteToken: string) => call(server, "POST", "/api/groups/join", { token, body: { token: inviteToken } }),
    requests: (chatId: string) => call(server, "GET", at(chatId, "/requests"), { token }),
    approve: (chatId: string, userId: string) => call(server, "POST", at(chatId, `/requests/${userId}/approve`), { token }),
    deny: (chatId: string, userId: string) => call(server, "POST", at(chatId, `/requests/${userId}/deny`), { token }),
  };
}

/** A group chat (the test fails on a 1-1 chat). */
export function asGroup(chat: Chat | undefined): GroupChat {
  if (chat?.kind !== "group") throw new Error(`expected a group, got ${chat ? chat.kind : "none"}`);
  return chat;
}

/** `owner` creates a group with `members` (connecting them first). */
export async function makeGroup(server: TestServer, owner: SignedIn, members: SignedIn[], name = "Team"): Promise<GroupChat> {
  for (const member of members) await connect(server, owner, member);
  return asGroup(ok(await groupsOf(server, owner).create({ name, memberIds: members.map((m) => m.user.id) }), Chat));
}

/** An owner and `count` members, in a group. */
export async function groupOf(server: TestServer, count: number, base = "grp") {
  const [owner, ...members] = (await makeUsers(server, count + 1, base)) as [SignedIn, ...SignedIn[]];
  const group = await makeGroup(server, owner, members);
  return { owner, members, group };
}

export async function groupInfo(server: TestServer, user: SignedIn, chatId: string): Promise<GroupInfo> {
  return ok(await groupsOf(server, user).info(chatId), GroupInfo);
}

export async function inviteOf(server: TestServer, admin: SignedIn, chatId: string, needsApproval = false): Promise<GroupInvite> {
  return ok(await groupsOf(server, admin).createInvite(chatId, needsApproval), GroupInvite);
}

export async function joinBy(server: TestServer, user: SignedIn, token: string): Promise<JoinResult> {
  return ok(await groupsOf(server, user).join(token), JoinResult);
}

export function status(reply: Reply): number {
  return reply.status;
}
