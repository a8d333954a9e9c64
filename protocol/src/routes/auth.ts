import { LogoutRequest, RefreshRequest, RefreshResponse, RequestCodeRequest, RequestCodeResponse, VerifyCodeRequest, VerifyCodeResponse } from "../auth.ts";
import { authErrors } from "./common.ts";
import type { RouteGroup } from "./route.ts";

export const authRoutes = {
  requestCode: {
    method: "POST",
    path: "/api/auth/request-code",
    tag: "auth",
    summary: "Send a one-time code to an email address or phone number (same answer whether or not an account exists)",
    auth: false,
    body: RequestCodeRequest,
    response: RequestCodeResponse,
    errors: ["IDENTIFIER_INVALID", "RATE_LIMITED", "AUTH_DELIVERY_FAILED", "UNAVAILABLE"],
  },
  verifyCode: {
    method: "POST",
    path: "/api/auth/verify-code",
    tag: "auth",
    summary: "Exchange the code for tokens; the account is created on the first verification",
    auth: false,
    body: VerifyCodeRequest,
    response: VerifyCodeResponse,
    errors: ["AUTH_CODE_INVALID", "AUTH_CODE_EXPIRED", "AUTH_CODE_LOCKED", "AUTH_CODE_USED", "RATE_LIMITED", "UNAVAILABLE"],
  },
  refresh: {
    method: "POST",
    path: "/api/auth/refresh",
    tag: "auth",
    summary: "Rotate the refresh token: returns new tokens; the old refresh token is spent (reusing it ends the session)",
    auth: false,
    body: RefreshRequest,
    response: RefreshResponse,
    errors: ["AUTH_REFRESH_INVALID", "AUTH_REFRESH_EXPIRED", "AUTH_REFRESH_REUSED", "AUTH_SESSION_REVOKED", "AUTH_PROOF_INVALID", "UNAVAILABLE"],
  },
  logout: {
    method: "POST",
    path: "/api/auth/logout",
    tag: "auth",
    summary: "End this session (or every session with `everywhere`); its sockets are closed",
    auth: true,
    body: LogoutRequest,
    errors: [...authErrors],
  },
} as const satisfies RouteGroup;
