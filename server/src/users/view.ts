import type { Avatar, Me } from "@easyqr/protocol";
import type { UsersTable } from "../db/schema.ts";

/** Where avatar files are served (see http/mediaRoutes.ts). */
export function avatarOf(avatarId: string | null): Avatar | null {
  return avatarId ? { url: `/api/media/avatars/${avatarId}.webp`, thumbUrl: `/api/media/avatars/${avatarId}-thumb.webp` } : null;
}

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
