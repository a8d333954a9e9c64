import type { Routes } from "@easyqr/protocol";
import type { AvatarService } from "../avatars/service.ts";
import type { UsersService } from "../users/service.ts";
import { avatarHandlers } from "./avatarHandlers.ts";
import type { Handlers } from "./route.ts";

export function userHandlers(users: UsersService, avatars: AvatarService): Handlers<Routes["users"]> {
  return {
    me: ({ principal }) => users.me(principal.userId),
    updateProfile: ({ principal, body }) => users.updateProfile(principal.userId, body),
    deleteAccount: ({ principal }) => users.deleteAccount(principal.userId),
    requestIdentifierChange: ({ principal, body, request }) => users.requestIdentifierChange(principal.userId, body, request.ip),
    confirmIdentifierChange: ({ principal, body, request }) => users.confirmIdentifierChange(principal.userId, body.requestId, body.code, request.ip),
    usernameAvailability: ({ principal, query }) => users.usernameAvailability(query.username, principal.userId),
    byUsername: ({ principal, params }) => users.byUsername(principal.userId, params.username),
    ...avatarHandlers(avatars),
  };
}
