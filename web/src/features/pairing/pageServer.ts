import { httpBase } from "@easyqr/protocol";

/** This page's server: the web app is always served by the server it talks to. */
export function pageServer(): string {
  return httpBase(window.location.origin);
}
