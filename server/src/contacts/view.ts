import type { ContactRequest } from "@easyqr/protocol";
import { profileFor } from "../access/profiles.ts";
import type { ContactRequestsTable, UsersTable } from "../db/schema.ts";

export type RequestRow = Pick<ContactRequestsTable, "id" | "fromUserId" | "toUserId" | "createdAt" | "expiresAt">;

/** A request as `viewerId` sees it; `other` is the user on the other side (not a connection while the request is pending). */
export function requestView(request: RequestRow, viewerId: string, other: UsersTable): ContactRequest {
  return {
    id: request.id,
    direction: request.toUserId === viewerId ? "incoming" : "outgoing",
    user: profileFor(other, "stranger"),
    createdAt: request.createdAt,
    expiresAt: request.expiresAt,
  };
}
