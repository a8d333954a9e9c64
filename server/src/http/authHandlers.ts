import type { Routes } from "@easyqr/protocol";
import type { AuthService } from "../auth/service.ts";
import type { Handlers } from "./route.ts";

export function authHandlers(auth: AuthService): Handlers<Routes["auth"]> {
  return {
    requestCode: ({ body, request }) => auth.requestCode(body, request.ip),
    verifyCode: ({ body, request }) => auth.verifyCode(body.requestId, body.code, body.device, request.ip),
    refresh: async ({ body }) => ({ tokens: await auth.refresh(body.refreshToken, body.proof) }),
    logout: ({ body, principal }) => auth.logout(principal.userId, principal.sessionId, body.everywhere),
  };
}
