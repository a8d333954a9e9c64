import { useAtomValue } from "jotai";
import { useEffect, useRef } from "react";
import { useNavigate } from "react-router";
import { authSession, sessionAtom } from "../session/state.ts";

/**
 * A linked desktop whose session ended (logged out from the phone, revoked) goes back to
 * "Link with your phone" on /desktop, which says why, instead of the phone-number sign-in.
 */
export function LinkedSignOut() {
  const session = useAtomValue(sessionAtom);
  const navigate = useNavigate();
  const linked = useRef(false);

  useEffect(() => {
    if (session.status === "signedIn") linked.current = authSession.isKeyBound();
    else if (session.status === "signedOut" && linked.current) {
      linked.current = false;
      void navigate("/desktop", { replace: true });
    }
  }, [session, navigate]);
  return null;
}
