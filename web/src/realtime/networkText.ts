import { useSyncExternalStore } from "react";
import type { ConnectionState } from "./connection.ts";

function subscribe(changed: () => void): () => void {
  window.addEventListener("online", changed);
  window.addEventListener("offline", changed);
  return () => {
    window.removeEventListener("online", changed);
    window.removeEventListener("offline", changed);
  };
}

/** Whether the browser believes it has a network (false is reliable, true only a hint). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}

/** What the app says about its connection, or nothing when it is live (or signed out). */
export function networkText(state: ConnectionState, online: boolean): string | undefined {
  if (state === "idle" || state === "stopped") return online ? undefined : "Waiting for network…";
  if (!online) return "Waiting for network…";
  return state === "ready" ? undefined : "Connecting…";
}
