import { useEffect } from "react";
import { Navigate } from "react-router";
import { keepAddToken } from "../features/contacts/pendingAdd.ts";
import { paths } from "../paths.ts";

/**
 * /add#t=…: someone's My QR opened by a phone's camera app. The token is kept in this tab and
 * leaves the address bar; the preview opens in the app (after signing in, if needed).
 */
export function AddLinkPage() {
  const kept = keepAddToken(window.location.href);
  useEffect(() => {
    if (kept) window.history.replaceState(null, "", window.location.pathname);
  }, [kept]);
  return <Navigate to={kept ? paths.addContact : paths.home} replace />;
}
