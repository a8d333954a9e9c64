import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { assertKey, type Storage } from "./types.ts";

const contentTypes: Record<string, string> = { webp: "image/webp" };

/** Files under one folder (default DATA_DIR/uploads). Writes go to a temporary name first, then are renamed. */
export function diskStorage(root: string): Storage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    assertKey(key);
    const path = resolve(base, key);
    if (!path.startsWith(base + sep)) throw new Error(`storage key escapes the upload folder: ${key}`);
    return path;
  };
  return {
    name: "disk",
    async put(key, data) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temporary = join(dirname(path), `.${randomBytes(8).toString("hex")}.tmp`);
      await writeFile(temporary, data, { flag: "wx", mode: 0o644 });
      await rename(temporary, path);
    },
    async get(key) {
      try {
        const data = await readFile(pathOf(key));
        return { data, contentType: contentTypes[key.split(".").pop() ?? ""] ?? "application/octet-stream" };
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
