import { randomBytes } from "node:crypto";
import { copyFile, mkdir, open, opendir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { assertFolder, assertKey, STORAGE_KEY, type Storage, type StoredKey } from "./types.ts";

const contentTypes: Record<string, string> = { webp: "image/webp" };
const contentTypeOf = (key: string) => contentTypes[key.split(".").pop() ?? ""] ?? "application/octet-stream";

const missing = (error: unknown) => (error as { code?: string }).code === "ENOENT";

/** Files under one folder (default DATA_DIR/uploads). Writes go to a temporary name first, then are renamed. */
export function diskStorage(root: string): Storage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    assertKey(key);
    const path = resolve(base, key);
    if (!path.startsWith(base + sep)) throw new Error(`storage key escapes the upload folder: ${key}`);
    return path;
  };
  const temporaryBeside = (path: string) => join(dirname(path), `.${randomBytes(8).toString("hex")}.tmp`);
  return {
    name: "disk",
    async put(key, data) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temporary = temporaryBeside(path);
      await writeFile(temporary, data, { flag: "wx", mode: 0o644 });
      await rename(temporary, path);
    },
    async putFile(key, source) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      try {
        await rename(source, path);
      } catch (error) {
        if ((error as { code?: string }).code !== "EXDEV") throw error;
        // Another file system: copy beside the target, then rename, so a reader never sees half a file.
        const temporary = temporaryBeside(path);
        await copyFile(source, temporary);
        await rename(temporary, path);
      }
    },
    async get(key) {
      try {
        const data = await readFile(pathOf(key));
        return { data, contentType: contentTypeOf(key) };
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    async open(key, range) {
      let handle;
      try {
        handle = await open(pathOf(key), "r");
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
      const { size } = await handle.stat();
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? size - 1, size - 1);
      const body = handle.createReadStream({ start, end: Math.max(start, end) });
      return { body, size: Math.max(0, end - start + 1), contentType: contentTypeOf(key) };
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async has(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (error) {
        if (missing(error)) return false;
        throw error;
      }
    },
    // Temporary files of writes under way (`.<random>.tmp`) are not keys, so never listed.
    async *list(folder): AsyncIterable<StoredKey> {
      assertFolder(folder);
      let dir;
      try {
        dir = await opendir(join(base, folder));
      } catch (error) {
        if (missing(error)) return;
        throw error;
      }
      for await (const entry of dir) {
        const key = `${folder}/${entry.name}`;
        if (!entry.isFile() || !STORAGE_KEY.test(key)) continue;
        let modifiedAt: number;
        try {
          modifiedAt = (await stat(pathOf(key))).mtimeMs;
        } catch (error) {
          if (missing(error)) continue; // deleted since the folder was read
          throw error;
        }
        yield { key, modifiedAt };
      }
    },
  };
}
