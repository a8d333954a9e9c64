import { routes } from "@easyqr/protocol";
import type {
  AuthTokens,
  ConfirmIdentifierRequest,
  IdentifierInput,
  LogoutRequest,
  Me,
  RequestCodeResponse,
  UpdateProfileRequest,
  UsernameAvailability,
  VerifyCodeRequest,
  VerifyCodeResponse,
} from "@easyqr/protocol";
import type { ApiClient } from "./client.ts";

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
  /** Sends a code to a new email or phone; `confirmIdentifierChange` with it makes it the account's. */
  requestIdentifierChange(input: IdentifierInput): Promise<RequestCodeResponse>;
  confirmIdentifierChange(body: ConfirmIdentifierRequest): Promise<Me>;
  /** Deletes the account (every device is signed out); this device forgets the session. */
  deleteAccount(): Promise<void>;
};

/** The session the account calls run in: its client, and where the tokens of a sign-in go. */
export type AccountSession = { readonly api: ApiClient; start(tokens: AuthTokens): void; clear(): void };

/** The sign-in and profile routes (`routes.auth`, `routes.users`). */
export function accountsApi(session: AccountSession): AccountsApi {
  const { api } = session;
  return {
    requestCode: (input) => api.call(routes.auth.requestCode, { body: input }),
    async verifyCode(body) {
      const result = await api.call(routes.auth.verifyCode, { body });
      session.start(result.tokens);
      return result;
    },
    me: () => api.call(routes.users.me),
    updateProfile: (changes) => api.call(routes.users.updateProfile, { body: changes }),
    usernameAvailability: (username, signal) => api.call(routes.users.usernameAvailability, { query: { username }, signal }),
    uploadAvatar: (file) => api.call(routes.users.uploadAvatar, { file }),
    removeAvatar: () => api.call(routes.users.removeAvatar),
    requestIdentifierChange: (input) => api.call(routes.users.requestIdentifierChange, { body: input }),
    confirmIdentifierChange: (body) => api.call(routes.users.confirmIdentifierChange, { body }),
    async deleteAccount() {
      await api.call(routes.users.deleteAccount);
      session.clear();
    },
    async logout(options = {}) {
      try {
        await api.call(routes.auth.logout, { body: { everywhere: options.everywhere ?? false } });
      } catch {
        // Signed out here regardless: nothing on this device holds the session's tokens any more.
      } finally {
        session.clear();
      }
    },
  };
}
