import { useEffect } from "react";

/**
 * Calls `retry` when the network comes back or the tab becomes visible: no need to wait out a
 * backoff; and `lost` when the browser says the network went (a socket can outlive it unclosed).
 */
export function useWakeRetry(retry: (() => void) | undefined, lost?: () => void): void {
  useEffect(() => {
    if (!retry) return;
    const onVisible = () => {
      if (document.visibilityState === "visible") retry();
    };
    window.addEventListener("online", retry);
    document.addEventListener("visibilitychange", onVisible);
    if (lost) window.addEventListener("offline", lost);
    return () => {
      window.removeEventListener("online", retry);
      document.removeEventListener("visibilitychange", onVisible);
      if (lost) window.removeEventListener("offline", lost);
    };
  }, [retry, lost]);
}
