import { Me, RequestCodeResponse, UsernameAvailability, VerifyCodeResponse } from "@easyqr/protocol";
import type { IdentifierInput, LogoutRequest, UpdateProfileRequest, VerifyCodeRequest } from "@easyqr/protocol";
import type { AuthSession } from "./authSession.ts";
import { call, defaultFetch, parseResponse, type Fetch } from "./http.ts";

export type AccountsApi = {
  requestCode(input: IdentifierInput): Promise<RequestCodeResponse>;
  /** Verifies the code; on success the session keeps the tokens. */
  verifyCode(body: VerifyCodeRequest): Promise<VerifyCodeResponse>;
  me(): Promise<Me>;
  updateProfile(changes: UpdateProfileRequest): Promise<Me>;
  usernameAvailability(username: string, signal?: AbortSignal): Promise<UsernameAvailability>;
  uploadAvatar(file: Blob): Promise<Me>;
  removeAvatar(): Promise<Me>;
  /** Ends the session on the server (best effort) and forgets it here in any case. */
  logout(options?: Partial<LogoutRequest>): Promise<void>;
};

/** The accounts API of the server (server/src/http/authRoutes.ts, userRoutes.ts, avatarRoutes.ts), every answer parsed. */
export function accountsApi(session: AuthSession, base = "", fetchImpl: Fetch = defaultFetch): AccountsApi {
  const authed = (path: string, options: Parameters<AuthSession["request"]>[1]) => session.request(path, options);
  return {
    async requestCode(input) {
      return parseResponse(RequestCodeResponse, await call(fetchImpl, `${base}/api/auth/request-code`, { method: "POST", body: input }), "a code request");
    },
    async verifyCode(body) {
      const json = await call(fetchImpl, `${base}/api/auth/verify-code`, { method: "POST", body });
      const result = parseResponse(VerifyCodeResponse, json, "a sign-in");
      session.start(result.tokens);
      return result;
    },
    async me() {
      return parseResponse(Me, await authed("/api/users/me", { method: "GET" }), "your profile");
    },
    async updateProfile(changes) {
      return parseResponse(Me, await authed("/api/users/me", { method: "PATCH", body: changes }), "your profile");
    },
    async usernameAvailability(username, signal) {
      const json = await authed(`/api/users/username-available?username=${encodeURIComponent(username)}`, { method: "GET", signal });
      return parseResponse(UsernameAvailability, json, "a username check");
    },
    async uploadAvatar(file) {
      const form = new FormData();
      form.set("file", file);
      return parseResponse(Me, await authed("/api/users/me/avatar", { method: "PUT", body: form }), "your profile");
    },
    async removeAvatar() {
      return parseResponse(Me, await authed("/api/users/me/avatar", { method: "DELETE" }), "your profile");
    },
    async logout(options = {}) {
      try {
        await authed("/api/auth/logout", { method: "POST", body: { everywhere: options.everywhere ?? false } });
      } catch {
        // Signed out here regardless: nothing on this device holds the session's tokens any more.
      } finally {
        session.clear();
      }
    },
  };
}
