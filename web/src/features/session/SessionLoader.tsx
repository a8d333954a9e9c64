import { useAtom } from "jotai";
import { useEffect } from "react";
import { endsSession } from "@easyqr/protocol";
import { errorMessage } from "../../api/errorText.ts";
import { ApiError } from "../../api/http.ts";
import { cachedProfile } from "../../api/offlineDb.ts";
import { accounts, appStore, authSession, followOtherTabs, sessionAtom } from "./state.ts";

/**
 * Restores the signed-in user when the page (re)loads with a stored session: asks
 * /api/users/me, which refreshes the access token first. Guards wait meanwhile.
 * A dead session is handled by the AuthSession (signed out with its words); an
 * unreachable server keeps the session and offers a retry. With the profile in the offline
 * cache the app shows at once (offline too) and /api/users/me only refreshes it.
 */
export function SessionLoader() {
  const [session, setSession] = useAtom(sessionAtom);
  const loading = session.status === "loading";

  useEffect(() => followOtherTabs(), []);

  useEffect(() => {
    if (!loading) return;
    let current = true;
    const sessionId = authSession.sessionId();
    const restore = () =>
      accounts.me().then(
        (user) => {
          if (current) setSession({ status: "signedIn", user });
        },
        (error: unknown) => {
          if (!current || (error instanceof ApiError && endsSession(error.code))) return;
          setSession({ status: "unreachable", message: errorMessage(error) });
        },
      );
    void (sessionId ? cachedProfile(sessionId) : Promise.resolve(undefined)).then((cached) => {
      if (!current) return;
      if (!cached) return restore();
      setSession({ status: "signedIn", user: cached });
      refreshProfile(cached.id);
    });
    return () => {
      current = false;
    };
  }, [loading, setSession]);

  return null;
}

/** The cached profile is on screen: fetch the current one, now or once the network is back. */
function refreshProfile(userId: string): void {
  accounts.me().then(
    (user) => {
      const session = appStore.get(sessionAtom);
      if (session.status === "signedIn" && session.user.id === userId) appStore.set(sessionAtom, { status: "signedIn", user });
    },
    (error: unknown) => {
      // A dead session is the AuthSession's to end; anything else is the network.
      if (error instanceof ApiError && endsSession(error.code)) return;
      window.addEventListener("online", () => refreshProfile(userId), { once: true });
    },
  );
}
