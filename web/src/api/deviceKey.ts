import { refreshSignedData } from "@easyqr/protocol";
import { openDB, type IDBPDatabase } from "idb";
import type { RefreshSigner } from "./authSession.ts";

/**
 * This desktop's key K (docs/linking.md): an ECDSA P-256 pair whose private half WebCrypto never
 * lets out (non-extractable). IndexedDB stores the CryptoKey objects themselves, so the key survives
 * reloads without its bytes ever reaching JavaScript. Its own database, apart from the offline cache.
 */
export const KEYS_DB = "easyqr-keys";
const STORE = "keys";
const DESKTOP = "desktop";

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;

type StoredKey = { privateKey: CryptoKey; publicKey: CryptoKey; spki: ArrayBuffer; createdAt: number };

export type DeviceKey = {
  /** base64url (no padding) of the public key's SPKI DER: what the server stores and verifies with. */
  readonly publicKey: string;
  /** base64url(SHA-256(SPKI DER)), 43 characters: what the QR carries and the phone compares. */
  readonly fingerprint: string;
  /** An ECDSA P-256 / SHA-256 signature of the UTF-8 text, IEEE-P1363 (r‖s), base64url: 86 characters. */
  sign(text: string): Promise<string>;
};

export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The fingerprint of a public key's SPKI DER bytes. */
export async function fingerprintOf(spki: ArrayBuffer): Promise<string> {
  return base64url(await crypto.subtle.digest("SHA-256", spki));
}

async function deviceKeyOf(stored: StoredKey): Promise<DeviceKey> {
  return {
    publicKey: base64url(stored.spki),
    fingerprint: await fingerprintOf(stored.spki),
    async sign(text) {
      return base64url(await crypto.subtle.sign(SIGNING, stored.privateKey, new TextEncoder().encode(text)));
    },
  };
}

/** This browser's key store; `name` only differs in tests. */
export class DeviceKeys {
  private db: Promise<IDBPDatabase> | undefined;
  private loading: Promise<DeviceKey> | undefined;

  constructor(private readonly name = KEYS_DB) {}

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB(this.name, 1, {
      upgrade(db) {
        db.createObjectStore(STORE);
      },
    });
    return this.db;
  }

  /** The stored key, if this browser has one. */
  async current(): Promise<DeviceKey | undefined> {
    const stored = (await (await this.open()).get(STORE, DESKTOP)) as StoredKey | undefined;
    return stored ? deviceKeyOf(stored) : undefined;
  }

  /** The stored key, or a new one stored first; concurrent callers share one. */
  get(): Promise<DeviceKey> {
    this.loading ??= (async () => (await this.current()) ?? this.create())().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** A fresh key replacing the stored one (after a sign-out, so the next link is a new device). */
  async create(): Promise<DeviceKey> {
    const pair = await crypto.subtle.generateKey(ALGORITHM, false, ["sign", "verify"]);
    const spki = await crypto.subtle.exportKey("spki", pair.publicKey);
    const stored: StoredKey = { privateKey: pair.privateKey, publicKey: pair.publicKey, spki, createdAt: Date.now() };
    await (await this.open()).put(STORE, stored, DESKTOP);
    return deviceKeyOf(stored);
  }

  async forget(): Promise<void> {
    await (await this.open()).delete(STORE, DESKTOP);
  }

  close(): void {
    void this.db?.then((db) => db.close());
    this.db = undefined;
  }
}

/** This browser's key store. */
export const deviceKeys = new DeviceKeys();

/** Signs a key-bound session's refreshes with the stored key (none stored: no proof, the session is over). */
export function refreshSigner(keys: DeviceKeys, now: () => number = Date.now): RefreshSigner {
  return {
    async prove(refreshToken, at = now()) {
      const key = await keys.current().catch(() => undefined);
      if (!key) return undefined;
      return { at, signature: await key.sign(refreshSignedData(refreshToken, at)) };
    },
    forget: () => keys.forget(),
  };
}
