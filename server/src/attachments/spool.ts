import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "../errors.ts";

/** An upload written to a local file as it arrived. `head` is its first bytes, for sniffing. */
export type Spooled = { path: string; size: number; head: Buffer };

const HEAD_BYTES = 64;

export function tooLarge(maxBytes: number): AppError {
  return new AppError("UPLOAD_TOO_LARGE", `Files may be at most ${Math.round(maxBytes / 1024 / 1024)} MB.`, { maxBytes });
}

/**
 * Local files for uploads in progress, one folder per process: an upload streams to disk
 * rather than memory, and is moved to storage (or processed) from there.
 */
export class Spool {
  private constructor(private readonly dir: string) {}

  /** A fresh folder under `root`; folders other processes left more than a day ago are removed. */
  static async open(root: string): Promise<Spool> {
    await mkdir(root, { recursive: true });
    const dayAgo = Date.now() - 24 * 60 * 60_000;
    for (const entry of await readdir(root)) {
      const path = join(root, entry);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < dayAgo) await rm(path, { recursive: true, force: true });
    }
    const dir = join(root, `${process.pid}-${randomBytes(4).toString("hex")}`);
    await mkdir(dir);
    return new Spool(dir);
  }

  /**
   * Writes `source` to a new file, refusing it as soon as it passes `maxBytes` (the source is
   * destroyed and the partial file removed): nothing past the limit is read or kept.
   */
  async write(source: Readable, maxBytes: number): Promise<Spooled> {
    const path = join(this.dir, randomBytes(12).toString("hex"));
    let size = 0;
    const heads: Buffer[] = [];
    let headSize = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(tooLarge(maxBytes));
        if (headSize < HEAD_BYTES) {
          heads.push(chunk.subarray(0, HEAD_BYTES - headSize));
          headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(path, { flags: "wx", mode: 0o600 }));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return { path, size, head: Buffer.concat(heads) };
  }

  async remove(spooled: Spooled): Promise<void> {
    await rm(spooled.path, { force: true });
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
