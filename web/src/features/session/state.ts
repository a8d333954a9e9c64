import { IdentifierInput, type ErrorCode } from "@easyqr/protocol";
import { atom, createStore } from "jotai";
import { atomWithStorage } from "jotai/utils";
import * as z from "zod/mini";
import { accountsApi } from "../../api/accounts.ts";
import { errorText } from "../../api/errorText.ts";
import { browserStorage, readJson, removeItem, writeJson } from "../../api/storage.ts";
import { AuthSession } from "../../api/authSession.ts";
import { SESSION_KEY } from "../../api/sessionKey.ts";
import { deviceKeys, refreshSigner } from "../../api/deviceKey.ts";
import type { SessionState } from "./guard.ts";

/** The app's one jotai store: the session code outside React writes to it too. */
export const appStore = createStore();

const local = browserStorage("local");

export const authSession = new AuthSession({ storage: local, signer: refreshSigner(deviceKeys), onEnded: (code) => sessionEnded(code) });

/**
 * The server ended the session (a dead refresh token, a revoked session): forget it and say why on
 * the sign-in page. Not while this device deletes the account: the server revokes its sessions
 * first, and the deletion's own ending (the start page) wins whichever answer comes first. A
 * session already over here (signed out, deleted, another tab) stays as it ended.
 */
export function sessionEnded(code: ErrorCode): void {
  if (appStore.get(deletingAccountAtom) || appStore.get(sessionAtom).status === "signedOut") return;
  authSession.clear();
  appStore.set(sessionAtom, { status: "signedOut", notice: errorText(code), ended: true });
}

export const accounts = accountsApi(authSession);

/** This device is deleting the account (see `sessionEnded`). */
export const deletingAccountAtom = atom(false);

/** Known at once when nothing is stored (no flash of a splash); else `loading` until /api/users/me answers. */
export const sessionAtom = atom<SessionState>(authSession.hasSession() ? { status: "loading" } : { status: "signedOut" });

/** The signed-in user, for components that only render inside the app. */
export const userAtom = atom((get) => {
  const session = get(sessionAtom);
  return session.status === "signedIn" ? session.user : undefined;
});

/** Another tab signed out (it removed the stored session): this one follows. */
export function followOtherTabs(): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key !== SESSION_KEY || event.newValue !== null) return;
    authSession.clear();
    appStore.set(sessionAtom, { status: "signedOut", notice: "You signed out in another tab.", ended: true });
  };
  window.addEventListener("storage", onStorage);
  return () => window.removeEventListener("storage", onStorage);
}

const PendingSignIn = z.object({
  identifier: IdentifierInput,
  requestId: z.string(),
  expiresAt: z.number(),
  /** When the last code was sent (ms): the resend countdown runs from it. */
  sentAt: z.number(),
});
export type PendingSignIn = z.infer<typeof PendingSignIn>;

/** A stored value read through its schema (validated at this edge like any other input). */
function validatedStorage<T>(storage: Storage, schema: z.ZodMiniType<T>) {
  return {
    getItem: (key: string, initial: T | null): T | null => readJson(storage, key, schema) ?? initial,
    setItem: (key: string, value: T | null) => (value === null ? removeItem(storage, key) : writeJson(storage, key, value)),
    removeItem: (key: string) => removeItem(storage, key),
  };
}

/** The code request in progress: kept per tab, so reloading the code page keeps it. */
export const pendingSignInAtom = atomWithStorage<PendingSignIn | null>(
  "easyqr.pendingSignIn",
  null,
  validatedStorage(browserStorage("session"), PendingSignIn),
  {
    getOnInit: true,
  },
);
