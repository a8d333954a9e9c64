import type { Readable } from "node:stream";

/** A stored file being read: `body` streams `size` bytes (the asked range, or all of it). */
export type StoredStream = { body: Readable; size: number; contentType: string };

/** An inclusive byte range, as HTTP's `Range: bytes=start-end`. */
export type ByteRange = { start: number; end: number };

/** A stored file as a listing shows it: its key and when it was last written (ms since the epoch). */
export type StoredKey = { key: string; modifiedAt: number };

/** Where uploaded files live. Keys are ours (`avatars/<random>.webp`), never a client's file name. */
export type Storage = {
  readonly name: string;
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** Stores the local file at `path` (of `size` bytes) under `key` without reading it into memory; `path` may be moved away. */
  putFile(key: string, path: string, size: number, contentType: string): Promise<void>;
  /** Undefined when there is no such file. */
  get(key: string): Promise<{ data: Buffer; contentType: string } | undefined>;
  /** Streams a file (or a range of it); undefined when there is no such file. */
  open(key: string, range?: ByteRange): Promise<StoredStream | undefined>;
  /** Deleting a missing file is not an error. */
  delete(key: string): Promise<void>;
  /** Whether a file is stored under `key`. */
  has(key: string): Promise<boolean>;
  /** Every file in a folder (`avatars`), in no particular order; keys not of our form are left out. */
  list(folder: string): AsyncIterable<StoredKey>;
};

/** Keys are one folder and a file name of safe characters: nothing to traverse with. */
export const STORAGE_KEY = /^[a-z]+\/[A-Za-z0-9_-]{1,64}\.[a-z]{2,5}$/;

export function assertKey(key: string): void {
  if (!STORAGE_KEY.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}

export function assertFolder(folder: string): void {
  if (!/^[a-z]+$/.test(folder)) throw new Error(`invalid storage folder ${JSON.stringify(folder)}`);
}
