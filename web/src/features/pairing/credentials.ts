import * as z from "zod/mini";
import { SessionId } from "@easyqr/protocol";
import { readJson, removeItem, writeJson } from "../../api/storage.ts";

/** What lets a reloaded desktop tab take its session back (sessionStorage: this tab only). */
export const DesktopCredential = z.object({ sessionId: SessionId, desktopToken: z.string().check(z.minLength(1), z.maxLength(256)) });
export type DesktopCredential = z.infer<typeof DesktopCredential>;

/** What lets a phone come back after a reload or a drop (localStorage). */
export const PhoneCredential = z.object({ sessionId: SessionId, phoneToken: z.string().check(z.minLength(1), z.maxLength(256)) });
export type PhoneCredential = z.infer<typeof PhoneCredential>;

export type CredentialStore<T> = { load(): T | undefined; save(value: T): void; clear(): void };

function store<T>(storage: Storage, key: string, schema: z.ZodMiniType<T>): CredentialStore<T> {
  return {
    load: () => readJson(storage, key, schema),
    save: (value) => writeJson(storage, key, value),
    clear: () => removeItem(storage, key),
  };
}

export const desktopCredentials = (storage: Storage) => store(storage, "easyqr.desktop", DesktopCredential);
export const phoneCredentials = (storage: Storage) => store(storage, "easyqr.phone", PhoneCredential);
