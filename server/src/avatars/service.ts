import { randomBytes } from "node:crypto";
import type { Me } from "@easyqr/protocol";
import type { Logger } from "pino";
import type { Storage } from "../storage/index.ts";
import type { UsersService } from "../users/service.ts";
import { processAvatar } from "./image.ts";

const mainKey = (id: string) => `avatars/${id}.webp`;
const thumbKey = (id: string) => `avatars/${id}-thumb.webp`;
/** The two files of an avatar. */
export const avatarKeys = (id: string): string[] => [mainKey(id), thumbKey(id)];

/** Avatar files: processes uploads, stores them under random names, removes replaced ones. */
export class AvatarService {
  constructor(
    private readonly storage: Storage,
    private readonly users: UsersService,
    private readonly log: Logger,
  ) {
    users.onDeleteFiles((avatarId) => this.deleteFiles(avatarId));
  }

  async set(userId: string, upload: Buffer): Promise<Me> {
    const id = await this.store(upload);
    let result: Awaited<ReturnType<UsersService["setAvatar"]>>;
    try {
      result = await this.users.setAvatar(userId, id);
    } catch (error) {
      await this.deleteFiles(id);
      throw error;
    }
    if (result.previous) await this.deleteFiles(result.previous);
    return result.me;
  }

  async remove(userId: string): Promise<Me> {
    const { me, previous } = await this.users.setAvatar(userId, null);
    if (previous) await this.deleteFiles(previous);
    return me;
  }

  /** Processes and stores an image as an avatar's two files (a person's, or a group's photo); returns its id. */
  async store(upload: Buffer): Promise<string> {
    const images = await processAvatar(upload);
    const id = randomBytes(16).toString("base64url");
    await this.storage.put(mainKey(id), images.main, "image/webp");
    await this.storage.put(thumbKey(id), images.thumb, "image/webp");
    return id;
  }

  /** Deletes an avatar's files (replaced or never used); failures are logged, not thrown. */
  discard(id: string): Promise<void> {
    return this.deleteFiles(id);
  }

  /** The stored file for a public avatar name (`<id>.webp` or `<id>-thumb.webp`), or undefined. */
  async file(name: string): Promise<{ data: Buffer; contentType: string } | undefined> {
    if (!/^[A-Za-z0-9_-]{22}(-thumb)?\.webp$/.test(name)) return undefined;
    return this.storage.get(`avatars/${name}`);
  }

  private async deleteFiles(id: string): Promise<void> {
    try {
      await Promise.all([this.storage.delete(mainKey(id)), this.storage.delete(thumbKey(id))]);
    } catch (error) {
      this.log.error({ err: error, avatarId: id }, "could not delete avatar files");
    }
  }
}
