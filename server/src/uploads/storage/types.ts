/** Where uploaded files live. Keys are ours (`avatars/<random>.webp`), never a client's file name. */
export type Storage = {
  readonly name: string;
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** Undefined when there is no such file. */
  get(key: string): Promise<{ data: Buffer; contentType: string } | undefined>;
  /** Deleting a missing file is not an error. */
  delete(key: string): Promise<void>;
};

/** Keys are one folder and a file name of safe characters: nothing to traverse with. */
export const STORAGE_KEY = /^[a-z]+\/[A-Za-z0-9_-]{1,64}\.[a-z]{2,5}$/;

export function assertKey(key: string): void {
  if (!STORAGE_KEY.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}
