import type { Routes } from "@easyqr/protocol";
import { AppError } from "../errors.ts";
import type { Handlers } from "./route.ts";

// The contract is in place before the server: until the groups service lands, every group route answers NOT_FOUND.
const notYet = (): Promise<never> => Promise.reject(new AppError("NOT_FOUND", "groups are not built yet"));

export function groupHandlers(): Handlers<Routes["groups"]> {
  return {
    create: notYet,
    info: notYet,
    update: notYet,
    setPhoto: notYet,
    removePhoto: notYet,
    addMembers: notYet,
    removeMember: notYet,
    leave: notYet,
    makeAdmin: notYet,
    unmakeAdmin: notYet,
    invite: notYet,
    createInvite: notYet,
    revokeInvite: notYet,
    previewInvite: notYet,
    join: notYet,
    joinRequests: notYet,
    approveJoin: notYet,
    denyJoin: notYet,
  };
}
