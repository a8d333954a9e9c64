import { useEffect } from "react";

/** Calls `retry` when the network comes back or the tab becomes visible: no need to wait out a backoff. */
export function useWakeRetry(retry: (() => void) | undefined): void {
  useEffect(() => {
    if (!retry) return;
    const onVisible = () => {
      if (document.visibilityState === "visible") retry();
    };
    window.addEventListener("online", retry);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.removeEventListener("online", retry);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [retry]);
}
