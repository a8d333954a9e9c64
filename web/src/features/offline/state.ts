import { cacheDb } from "../../api/offlineDb.ts";
import { browserStorage } from "../../api/storage.ts";
import { OfflineCache } from "./offlineCache.ts";

/** The app's one offline cache (IndexedDB `easyqr`); outboxes kept in localStorage by older versions move into it. */
export const offlineCache = new OfflineCache(cacheDb, browserStorage("local"));
