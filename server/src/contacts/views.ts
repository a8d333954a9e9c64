import type { ContactCard, ContactRequest } from "@easyqr/protocol";
import type { ContactRequestsTable, UsersTable } from "../db/schema.ts";
import { avatarOf } from "../users/view.ts";

/** What a stranger may see of a user: no bio, no presence. */
export function cardView(user: UsersTable): ContactCard {
  return { id: user.id, name: user.name, username: user.username, avatar: avatarOf(user.avatarId) };
}

export type RequestRow = Pick<ContactRequestsTable, "id" | "fromUserId" | "toUserId" | "createdAt" | "expiresAt">;

/** A request as `viewerId` sees it; `other` is the user on the other side. */
export function requestView(request: RequestRow, viewerId: string, other: UsersTable): ContactRequest {
  return {
    id: request.id,
    direction: request.toUserId === viewerId ? "incoming" : "outgoing",
    user: cardView(other),
    createdAt: request.createdAt,
    expiresAt: request.expiresAt,
  };
}
