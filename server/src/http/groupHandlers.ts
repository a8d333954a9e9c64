import type { Routes } from "@easyqr/protocol";
import type { GroupsService } from "../groups/service.ts";
import { avatarUpload } from "./avatarHandlers.ts";
import type { Handlers } from "./route.ts";
import { readSoleFile } from "./upload.ts";

/** Groups over HTTP (ADR 0008); their messages, receipts and catching up are the chat frames. */
export function groupHandlers(groups: GroupsService): Handlers<Routes["groups"]> {
  return {
    create: ({ principal, body }) => groups.create(principal.userId, body),
    info: ({ principal, params }) => groups.info(principal.userId, params.chatId),
    update: ({ principal, params, body }) => groups.update(principal.userId, params.chatId, body),
    setPhoto: async ({ principal, params, request }) => groups.setPhoto(principal.userId, params.chatId, await readSoleFile(request, avatarUpload)),
    removePhoto: ({ principal, params }) => groups.removePhoto(principal.userId, params.chatId),
    addMembers: ({ principal, params, body }) => groups.addMembers(principal.userId, params.chatId, body),
    removeMember: ({ principal, params }) => groups.removeMember(principal.userId, params.chatId, params.userId),
    leave: ({ principal, params }) => groups.leave(principal.userId, params.chatId),
    makeAdmin: ({ principal, params }) => groups.setAdmin(principal.userId, params.chatId, params.userId, true),
    unmakeAdmin: ({ principal, params }) => groups.setAdmin(principal.userId, params.chatId, params.userId, false),
    invite: ({ principal, params }) => groups.invite(principal.userId, params.chatId),
    createInvite: ({ principal, params, body }) => groups.createInvite(principal.userId, params.chatId, body),
    revokeInvite: ({ principal, params }) => groups.revokeInvite(principal.userId, params.chatId),
    previewInvite: ({ principal, body }) => groups.preview(principal.userId, body.token),
    join: ({ principal, body }) => groups.join(principal.userId, body.token),
    joinRequests: ({ principal, params }) => groups.joinRequests(principal.userId, params.chatId),
    approveJoin: ({ principal, params }) => groups.approve(principal.userId, params.chatId, params.userId),
    denyJoin: ({ principal, params }) => groups.deny(principal.userId, params.chatId, params.userId),
  };
}
