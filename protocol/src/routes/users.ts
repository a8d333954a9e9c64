import { ConfirmIdentifierRequest, IdentifierInput, RequestCodeResponse } from "../auth.ts";
import {
  AvatarFileParams,
  Me,
  PublicUser,
  UpdateProfileRequest,
  UsernameAvailability,
  UsernameAvailabilityQuery,
  UsernameParams,
  type Avatar,
} from "../users.ts";
import { authErrors } from "./common.ts";
import type { RouteGroup } from "./route.ts";
import { routePath } from "./url.ts";

export const usersRoutes = {
  me: { method: "GET", path: "/api/users/me", tag: "users", summary: "The signed-in user", auth: true, response: Me, errors: [...authErrors] },
  updateProfile: {
    method: "PATCH",
    path: "/api/users/me",
    tag: "users",
    summary: "Change name (1–64), username (3–32 of a-z 0-9 _, case-insensitive, unique), bio (≤ 140; null clears), bioVisibility or hideLastSeen",
    auth: true,
    body: UpdateProfileRequest,
    response: Me,
    errors: [...authErrors, "USERNAME_TAKEN"],
  },
  deleteAccount: {
    method: "DELETE",
    path: "/api/users/me",
    tag: "users",
    summary: "Delete the account: every session ends, profile and avatar are removed",
    auth: true,
    errors: [...authErrors],
  },
  requestIdentifierChange: {
    method: "POST",
    path: "/api/users/me/identifier",
    tag: "users",
    summary: "Start changing email or phone: a code goes to the new address",
    auth: true,
    body: IdentifierInput,
    response: RequestCodeResponse,
    errors: [...authErrors, "IDENTIFIER_INVALID", "RATE_LIMITED", "AUTH_DELIVERY_FAILED"],
  },
  confirmIdentifierChange: {
    method: "POST",
    path: "/api/users/me/identifier/verify",
    tag: "users",
    summary: "Confirm the new email or phone with its code",
    auth: true,
    body: ConfirmIdentifierRequest,
    response: Me,
    errors: [...authErrors, "AUTH_CODE_INVALID", "AUTH_CODE_EXPIRED", "AUTH_CODE_LOCKED", "AUTH_CODE_USED", "EMAIL_TAKEN", "PHONE_TAKEN", "RATE_LIMITED"],
  },
  usernameAvailability: {
    method: "GET",
    path: "/api/users/username-available",
    tag: "users",
    summary: "Whether a username is free (for live checking while typing); your own counts as free",
    auth: true,
    query: UsernameAvailabilityQuery,
    response: UsernameAvailability,
    errors: [...authErrors],
  },
  byUsername: {
    method: "GET",
    path: "/api/users/by-username/:username",
    tag: "users",
    summary: "A user's profile: name, username and avatar; the bio only for connections, or for anyone when its owner shares it with everyone",
    auth: true,
    params: UsernameParams,
    response: PublicUser,
    errors: [...authErrors, "USERNAME_NOT_FOUND"],
  },
  uploadAvatar: {
    method: "PUT",
    path: "/api/users/me/avatar",
    tag: "users",
    summary: "Upload an avatar: multipart field `file`, JPEG/PNG/WebP (by content) ≤ 5 MB and ≤ 25 megapixels; stored as 512 px and 96 px WebP",
    auth: true,
    upload: "file",
    response: Me,
    errors: [...authErrors, "UPLOAD_TOO_LARGE", "UPLOAD_UNSUPPORTED", "UPLOAD_INVALID"],
  },
  removeAvatar: {
    method: "DELETE",
    path: "/api/users/me/avatar",
    tag: "users",
    summary: "Remove the avatar",
    auth: true,
    response: Me,
    errors: [...authErrors],
  },
  // Public and immutable: every upload gets a new random name.
  avatarFile: {
    method: "GET",
    path: "/api/media/avatars/:file",
    tag: "users",
    summary: "An avatar file (`<id>.webp` or `<id>-thumb.webp`, as in `avatar.url`/`thumbUrl`); cached for a year",
    auth: false,
    params: AvatarFileParams,
    file: "image/webp",
    errors: ["NOT_FOUND"],
  },
} as const satisfies RouteGroup;

/** Where the server serves an avatar's files (`usersRoutes.avatarFile`): 512 px and 96 px WebP. */
export function avatarOf(avatarId: string | null): Avatar | null {
  if (!avatarId) return null;
  return {
    url: routePath(usersRoutes.avatarFile, { file: `${avatarId}.webp` }),
    thumbUrl: routePath(usersRoutes.avatarFile, { file: `${avatarId}-thumb.webp` }),
  };
}
