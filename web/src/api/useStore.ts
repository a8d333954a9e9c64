import { useSyncExternalStore } from "react";
import type { Store } from "./store.ts";

/** Renders from a Store's snapshot. */
export function useStore<T extends object>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
