import { routes } from "@easyqr/protocol";
import type {
  Chat,
  CreateGroupRequest,
  GroupCard,
  GroupInfo,
  GroupInvite,
  InvitePreview,
  InviteState,
  JoinRequests,
  JoinResult,
  UpdateGroupRequest,
} from "@easyqr/protocol";
import type { ApiClient } from "./client.ts";

export type GroupsApi = {
  create(body: CreateGroupRequest): Promise<Chat>;
  info(chatId: string): Promise<GroupInfo>;
  update(chatId: string, change: UpdateGroupRequest): Promise<GroupCard>;
  setPhoto(chatId: string, file: Blob & { readonly name?: string }): Promise<GroupCard>;
  removePhoto(chatId: string): Promise<GroupCard>;
  addMembers(chatId: string, userIds: string[]): Promise<GroupInfo>;
  removeMember(chatId: string, userId: string): Promise<void>;
  leave(chatId: string): Promise<void>;
  makeAdmin(chatId: string, userId: string): Promise<void>;
  unmakeAdmin(chatId: string, userId: string): Promise<void>;
  invite(chatId: string): Promise<InviteState>;
  /** A new link, replacing the live one (rotate). */
  createInvite(chatId: string, needsApproval: boolean): Promise<GroupInvite>;
  revokeInvite(chatId: string): Promise<void>;
  preview(token: string): Promise<InvitePreview>;
  join(token: string): Promise<JoinResult>;
  joinRequests(chatId: string): Promise<JoinRequests>;
  approve(chatId: string, userId: string): Promise<void>;
  deny(chatId: string, userId: string): Promise<void>;
};

/** The group routes (`routes.groups`; docs/protocol.md, Groups). */
export function groupsApi(session: { readonly api: ApiClient }): GroupsApi {
  const { api } = session;
  const { groups } = routes;
  return {
    create: (body) => api.call(groups.create, { body }),
    info: (chatId) => api.call(groups.info, { params: { chatId } }),
    update: (chatId, change) => api.call(groups.update, { params: { chatId }, body: change }),
    setPhoto: (chatId, file) => api.call(groups.setPhoto, { params: { chatId }, file }),
    removePhoto: (chatId) => api.call(groups.removePhoto, { params: { chatId } }),
    addMembers: (chatId, userIds) => api.call(groups.addMembers, { params: { chatId }, body: { userIds } }),
    removeMember: (chatId, userId) => api.call(groups.removeMember, { params: { chatId, userId } }),
    leave: (chatId) => api.call(groups.leave, { params: { chatId } }),
    makeAdmin: (chatId, userId) => api.call(groups.makeAdmin, { params: { chatId, userId } }),
    unmakeAdmin: (chatId, userId) => api.call(groups.unmakeAdmin, { params: { chatId, userId } }),
    invite: (chatId) => api.call(groups.invite, { params: { chatId } }),
    createInvite: (chatId, needsApproval) => api.call(groups.createInvite, { params: { chatId }, body: { needsApproval } }),
    revokeInvite: (chatId) => api.call(groups.revokeInvite, { params: { chatId } }),
    preview: (token) => api.call(groups.previewInvite, { body: { token } }),
    join: (token) => api.call(groups.join, { body: { token } }),
    joinRequests: (chatId) => api.call(groups.joinRequests, { params: { chatId } }),
    approve: (chatId, userId) => api.call(groups.approveJoin, { params: { chatId, userId } }),
    deny: (chatId, userId) => api.call(groups.denyJoin, { params: { chatId, userId } }),
  };
}
