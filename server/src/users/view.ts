import { avatarOf, type Me } from "@easyqr/protocol";
import type { UsersTable } from "../db/schema.ts";

export function meView(user: UsersTable): Me {
  return {
    id: user.id,
    name: user.name,
    username: user.username,
    bio: user.bio,
    avatar: avatarOf(user.avatarId),
    email: user.email,
    phone: user.phone,
    createdAt: user.createdAt,
    onboarded: user.name !== null && user.username !== null,
    hideLastSeen: user.lastSeenHiddenAt !== null,
    bioVisibility: user.bioVisibility,
  };
}
