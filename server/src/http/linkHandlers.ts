import type { Routes } from "@easyqr/protocol";
import { AppError } from "../errors.ts";
import type { Handlers } from "./route.ts";

// Placeholder while the link service lands (issue 14): every route answers NOT_FOUND.
const notYet = () => Promise.reject(new AppError("NOT_FOUND", "Linking is not available on this server yet."));

export function linkHandlers(): Handlers<Routes["link"]> {
  return { claim: notYet, approve: notYet, deny: notYet, redeem: notYet };
}

export function deviceHandlers(): Handlers<Routes["devices"]> {
  return { list: notYet, revoke: notYet, logOutOthers: notYet };
}
