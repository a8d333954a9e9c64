import {
  ConfirmIdentifierRequest,
  IdentifierInput,
  Me,
  PublicUser,
  RequestCodeResponse,
  UpdateProfileRequest,
  UsernameAvailability,
  UsernameAvailabilityQuery,
  UsernameParams,
} from "@easyqr/protocol";
import type { UsersService } from "../users/service.ts";
import type { Router } from "./route.ts";

const authErrors = ["AUTH_REQUIRED", "AUTH_TOKEN_INVALID", "AUTH_TOKEN_EXPIRED", "AUTH_SESSION_REVOKED"] as const;

export function registerUserRoutes(router: Router, users: UsersService): void {
  router.add(
    { method: "GET", url: "/api/users/me", tag: "users", summary: "The signed-in user", auth: true, response: Me, errors: [...authErrors] },
    ({ principal }) => users.me(principal.userId),
  );

  router.add(
    {
      method: "PATCH",
      url: "/api/users/me",
      tag: "users",
      summary: "Change name (1–64), username (3–32 of a-z 0-9 _, case-insensitive, unique), bio (≤ 140; null clears), bioVisibility or hideLastSeen",
      auth: true,
      body: UpdateProfileRequest,
      response: Me,
      errors: [...authErrors, "USERNAME_TAKEN"],
    },
    ({ principal, body }) => users.updateProfile(principal.userId, body),
  );

  router.add(
    {
      method: "DELETE",
      url: "/api/users/me",
      tag: "users",
      summary: "Delete the account: every session ends, profile and avatar are removed",
      auth: true,
      errors: [...authErrors],
    },
    ({ principal }) => users.deleteAccount(principal.userId),
  );

  router.add(
    {
      method: "POST",
      url: "/api/users/me/identifier",
      tag: "users",
      summary: "Start changing email or phone: a code goes to the new address",
      auth: true,
      body: IdentifierInput,
      response: RequestCodeResponse,
      errors: [...authErrors, "IDENTIFIER_INVALID", "RATE_LIMITED", "AUTH_DELIVERY_FAILED"],
    },
    ({ principal, body, request }) => users.requestIdentifierChange(principal.userId, body, request.ip),
  );

  router.add(
    {
      method: "POST",
      url: "/api/users/me/identifier/verify",
      tag: "users",
      summary: "Confirm the new email or phone with its code",
      auth: true,
      body: ConfirmIdentifierRequest,
      response: Me,
      errors: [...authErrors, "AUTH_CODE_INVALID", "AUTH_CODE_EXPIRED", "AUTH_CODE_LOCKED", "AUTH_CODE_USED", "EMAIL_TAKEN", "PHONE_TAKEN", "RATE_LIMITED"],
    },
    ({ principal, body, request }) => users.confirmIdentifierChange(principal.userId, body.requestId, body.code, request.ip),
  );

  router.add(
    {
      method: "GET",
      url: "/api/users/username-available",
      tag: "users",
      summary: "Whether a username is free (for live checking while typing); your own counts as free",
      auth: true,
      query: UsernameAvailabilityQuery,
      response: UsernameAvailability,
      errors: [...authErrors],
    },
    ({ principal, query }) => users.usernameAvailability(query.username, principal.userId),
  );

  router.add(
    {
      method: "GET",
      url: "/api/users/by-username/:username",
      tag: "users",
      summary: "A user's profile: name, username and avatar; the bio only for connections, or for anyone when its owner shares it with everyone",
      auth: true,
      params: UsernameParams,
      response: PublicUser,
      errors: [...authErrors, "USER_NOT_FOUND"],
    },
    ({ principal, params }) => users.byUsername(principal.userId, params.username),
  );
}
