import { useAtom } from "jotai";
import { useEffect } from "react";
import { endsSession } from "@easyqr/protocol";
import { errorMessage } from "../../api/errorText.ts";
import { ApiError } from "../../api/http.ts";
import { accounts, followOtherTabs, sessionAtom } from "./state.ts";

/**
 * Restores the signed-in user when the page (re)loads with a stored session: asks
 * /api/users/me, which refreshes the access token first. Guards wait meanwhile.
 * A dead session is handled by the AuthSession (signed out with its words); an
 * unreachable server keeps the session and offers a retry.
 */
export function SessionLoader() {
  const [session, setSession] = useAtom(sessionAtom);
  const loading = session.status === "loading";

  useEffect(() => followOtherTabs(), []);

  useEffect(() => {
    if (!loading) return;
    let current = true;
    accounts.me().then(
      (user) => {
        if (current) setSession({ status: "signedIn", user });
      },
      (error: unknown) => {
        if (!current || (error instanceof ApiError && endsSession(error.code))) return;
        setSession({ status: "unreachable", message: errorMessage(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [loading, setSession]);

  return null;
}
