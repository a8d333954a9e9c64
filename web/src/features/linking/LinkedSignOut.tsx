import { useAtomValue } from "jotai";
import { useEffect, useRef } from "react";
import { useLocation, useNavigate } from "react-router";
import { authSession, sessionAtom } from "../session/state.ts";

/**
 * A linked desktop whose session ended (logged out from the phone, revoked) goes back to
 * "Link with your phone" on /desktop, which says why, instead of the phone-number sign-in.
 */
export function LinkedSignOut() {
  const session = useAtomValue(sessionAtom);
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const linked = useRef(false);
  /** Set when a linked session ended, until /desktop is reached (the private route's own redirect to sign-in comes after ours). */
  const leaving = useRef(false);

  useEffect(() => {
    if (session.status === "signedIn") {
      linked.current = authSession.isKeyBound();
      leaving.current = false;
    } else if (session.status === "signedOut" && linked.current) {
      linked.current = false;
      leaving.current = true;
    }
    if (!leaving.current) return;
    if (pathname === "/desktop") leaving.current = false;
    else void navigate("/desktop", { replace: true });
  }, [session, pathname, navigate]);
  return null;
}
