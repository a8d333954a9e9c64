import { useEffect } from "react";
import { Navigate } from "react-router";
import { keepJoinToken } from "../features/groups/inviteLink.ts";
import { paths } from "../paths.ts";

/**
 * /join#t=…: a group's invite QR opened by a phone's camera app (or a shared link). The token is
 * kept in this tab and leaves the address bar; the group's preview opens in the app (after signing
 * in and onboarding, if needed), as `/add#…` does for a person.
 */
export function JoinLinkPage() {
  const kept = keepJoinToken(window.location.href);
  useEffect(() => {
    if (kept) window.history.replaceState(null, "", window.location.pathname);
  }, [kept]);
  return <Navigate to={kept ? paths.joinGroup : paths.home} replace />;
}
