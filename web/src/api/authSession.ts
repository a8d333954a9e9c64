import { endsSession, refusesOnlyAccess, routes } from "@easyqr/protocol";
import type { AuthTokens, ErrorCode } from "@easyqr/protocol";
import * as z from "zod/mini";
import { apiClient, type ApiClient } from "./client.ts";
import { ApiError, type Fetch } from "./http.ts";
import { SESSION_KEY } from "./sessionKey.ts";
import { readJson, removeItem, writeJson } from "./storage.ts";

/** Runs `task` alone across this browser's tabs (Web Locks), so two tabs never spend one refresh token. */
export type Lock = <T>(task: () => Promise<T>) => Promise<T>;

type LockManagerLike = { request<T>(name: string, callback: () => Promise<T>): Promise<T> };

function browserLock(): Lock {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (!locks) return (task) => task();
  return (task) => locks.request("easyqr.refresh", task);
}

/**
 * Where the tokens live. The server hands both tokens in JSON bodies and reads the
 * refresh token from a JSON body too (no cookies; see server/src/http/auth.ts), so:
 * - the access token stays in memory only (a page reload gets a new one by refreshing);
 * - the refresh token goes to localStorage, so a reload or a new tab stays signed in.
 *   It is single-use and rotated on every refresh; a stolen copy that is used after us
 *   (or before us) makes the server end the whole session (reuse detection).
 */
const StoredSession = z.object({
  refreshToken: z.string().check(z.minLength(1)),
  refreshTokenExpiresAt: z.number(),
  sessionId: z.string(),
  /** A linked desktop's session: every refresh must carry a proof signed with the device key. */
  keyBound: z.optional(z.boolean()),
});

/** The proof a key-bound session's refresh carries (docs/linking.md); undefined when this browser lost the key. */
export type RefreshProof = { at: number; signature: string };
export type RefreshSigner = {
  /** `at`: the time to sign for (ms); this device's clock unless the server said its own. */
  prove(refreshToken: string, at?: number): Promise<RefreshProof | undefined>;
  /** The key-bound session ended here: the key goes too, so the next link is a new device. */
  forget(): Promise<void>;
};

export type AuthSessionOptions = {
  storage: Storage;
  base?: string;
  fetch?: Fetch;
  lock?: Lock;
  /** Signs the refreshes of a key-bound (linked desktop) session; sessions without a key never use it. */
  signer?: RefreshSigner;
  /** The session ended on the server's word (dead refresh token, revoked session): show sign-in. */
  onEnded?: (code: ErrorCode) => void;
};

/**
 * The signed-in session of this browser: attaches the access token to API calls and
 * refreshes it transparently. One refresh is in flight at a time (concurrent callers
 * share it), and a refused call is retried once with the new token, never more.
 */
export class AuthSession {
  private access: string | undefined;
  private refreshing: Promise<string> | undefined;
  /** Bumped by clear(): a refresh that started before a logout does not bring the session back. */
  private epoch = 0;
  private readonly lock: Lock;
  /** The web app's one HTTP client, signing the calls that need it with this session. */
  readonly api: ApiClient;

  constructor(private readonly options: AuthSessionOptions) {
    this.lock = options.lock ?? browserLock();
    this.api = apiClient({ base: options.base, fetch: options.fetch, authorized: (attempt) => this.authorized(attempt) });
  }

  /** Whether a refresh token is stored: the session loader then restores the user. */
  hasSession(): boolean {
    return readJson(this.options.storage, SESSION_KEY, StoredSession) !== undefined;
  }

  /** The stored session's id (the offline cache keeps the profile under it), or undefined when signed out. */
  sessionId(): string | undefined {
    return readJson(this.options.storage, SESSION_KEY, StoredSession)?.sessionId;
  }

  /** Whether the stored session is a linked desktop's, bound to this browser's device key. */
  isKeyBound(): boolean {
    return readJson(this.options.storage, SESSION_KEY, StoredSession)?.keyBound === true;
  }

  /** Keeps the tokens of a sign-in or a refresh; `keyBound` for a linked desktop's session (a refresh keeps it). */
  start(tokens: AuthTokens, keyBound = false): void {
    this.access = tokens.accessToken;
    const stored: z.infer<typeof StoredSession> = {
      refreshToken: tokens.refreshToken,
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
      sessionId: tokens.sessionId,
      ...(keyBound ? { keyBound } : {}),
    };
    writeJson(this.options.storage, SESSION_KEY, stored);
  }

  /** Forgets both tokens (logout, or the session ended). */
  clear(): void {
    if (this.isKeyBound()) void this.options.signer?.forget().catch(() => undefined);
    this.epoch += 1;
    this.access = undefined;
    removeItem(this.options.storage, SESSION_KEY);
  }

  /** A usable access token (e.g. for the socket handshake): the one in memory, or a fresh one. */
  accessToken(): Promise<string> {
    return this.access !== undefined ? Promise.resolve(this.access) : this.refresh();
  }

  /** Rotates the refresh token for a new access token; concurrent callers share one rotation. */
  refresh(): Promise<string> {
    this.refreshing ??= this.rotate().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Runs `attempt` with an access token; an ApiError refusing only the token gets one refresh and one retry. */
  async authorized<T>(attempt: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken();
    try {
      return await attempt(token);
    } catch (error) {
      if (!(error instanceof ApiError) || !refusesOnlyAccess(error.code)) throw this.noticeEnd(error);
      // Another call may have refreshed while this one was out: use its token rather than spend another.
      if (this.access === token) this.access = undefined;
      const fresh = await this.accessToken();
      try {
        return await attempt(fresh);
      } catch (again) {
        throw this.noticeEnd(again);
      }
    }
  }

  private rotate(): Promise<string> {
    const epoch = this.epoch;
    return this.lock(async () => {
      // Read inside the lock: another tab may have rotated the token a moment ago.
      const stored = readJson(this.options.storage, SESSION_KEY, StoredSession);
      if (!stored || epoch !== this.epoch) throw this.end(new ApiError("AUTH_REFRESH_INVALID", "No saved session.", 401));
      let tokens: AuthTokens;
      const send = async (at?: number) => {
        const proof = stored.keyBound ? await this.options.signer?.prove(stored.refreshToken, at) : undefined;
        // Without its key (site data cleared) the session can never refresh again: it is over.
        if (stored.keyBound && !proof) throw new ApiError("AUTH_REFRESH_INVALID", "This computer no longer holds its device key.", 401);
        const body = proof ? { refreshToken: stored.refreshToken, proof } : { refreshToken: stored.refreshToken };
        return (await this.api.call(routes.auth.refresh, { body })).tokens;
      };
      try {
        tokens = await send().catch((error: unknown) => {
          // A refused proof carries the server's time: a computer whose clock is off signs once more on it.
          // Refused again, its key is not the one that was linked, and no later refresh can succeed.
          const serverTime = error instanceof ApiError ? error.details("AUTH_PROOF_INVALID")?.serverTime : undefined;
          if (serverTime === undefined) throw error;
          return send(serverTime).catch((again: unknown) => {
            if (again instanceof ApiError && again.code === "AUTH_PROOF_INVALID") {
              throw new ApiError("AUTH_REFRESH_INVALID", "This computer's device key is not the one that was linked.", 401);
            }
            throw again;
          });
        });
      } catch (error) {
        throw this.noticeEnd(error);
      }
      if (epoch !== this.epoch) throw new ApiError("AUTH_REFRESH_INVALID", "Signed out while refreshing.", 401);
      this.start(tokens, stored.keyBound === true);
      return tokens.accessToken;
    });
  }

  private noticeEnd(error: unknown): unknown {
    return error instanceof ApiError && endsSession(error.code) ? this.end(error) : error;
  }

  private end(error: ApiError): ApiError {
    const wasSignedIn = this.access !== undefined || this.hasSession();
    this.clear();
    if (wasSignedIn && endsSession(error.code)) this.options.onEnded?.(error.code);
    return error;
  }
}
