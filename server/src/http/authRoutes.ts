import { LogoutRequest, RefreshRequest, RefreshResponse, RequestCodeRequest, RequestCodeResponse, VerifyCodeRequest, VerifyCodeResponse } from "@easyqr/protocol";
import type { AuthService } from "../auth/service.ts";
import type { Router } from "./route.ts";

export function registerAuthRoutes(router: Router, auth: AuthService): void {
  router.add(
    {
      method: "POST",
      url: "/api/auth/request-code",
      tag: "auth",
      summary: "Send a one-time code to an email address or phone number (same answer whether or not an account exists)",
      auth: false,
      body: RequestCodeRequest,
      response: RequestCodeResponse,
      errors: ["IDENTIFIER_INVALID", "RATE_LIMITED", "AUTH_DELIVERY_FAILED"],
    },
    ({ body, request }) => auth.requestCode(body, request.ip),
  );

  router.add(
    {
      method: "POST",
      url: "/api/auth/verify-code",
      tag: "auth",
      summary: "Exchange the code for tokens; the account is created on the first verification",
      auth: false,
      body: VerifyCodeRequest,
      response: VerifyCodeResponse,
      errors: ["AUTH_CODE_INVALID", "AUTH_CODE_EXPIRED", "AUTH_CODE_LOCKED", "AUTH_CODE_USED", "RATE_LIMITED"],
    },
    ({ body, request }) => auth.verifyCode(body.requestId, body.code, body.device, request.ip),
  );

  router.add(
    {
      method: "POST",
      url: "/api/auth/refresh",
      tag: "auth",
      summary: "Rotate the refresh token: returns new tokens; the old refresh token is spent (reusing it ends the session)",
      auth: false,
      body: RefreshRequest,
      response: RefreshResponse,
      errors: ["AUTH_REFRESH_INVALID", "AUTH_REFRESH_EXPIRED", "AUTH_REFRESH_REUSED", "AUTH_SESSION_REVOKED"],
    },
    async ({ body }) => ({ tokens: await auth.refresh(body.refreshToken) }),
  );

  router.add(
    {
      method: "POST",
      url: "/api/auth/logout",
      tag: "auth",
      summary: "End this session (or every session with `everywhere`); its sockets are closed",
      auth: true,
      body: LogoutRequest,
      errors: ["AUTH_REQUIRED", "AUTH_TOKEN_INVALID", "AUTH_TOKEN_EXPIRED", "AUTH_SESSION_REVOKED"],
    },
    ({ body, principal }) => auth.logout(principal.userId, principal.sessionId, body.everywhere),
  );
}
