import type { StorageConfig } from "../config.ts";
import { diskStorage } from "./disk.ts";
import { s3Storage } from "./s3.ts";
import type { Storage } from "./types.ts";

export type { ByteRange, Storage, StoredKey, StoredStream } from "./types.ts";

/** The driver `STORAGE_DRIVER` names. */
export async function createStorage(config: StorageConfig): Promise<Storage> {
  return config.kind === "disk" ? diskStorage(config.dir) : s3Storage(config);
}
