import type { Routes } from "@easyqr/protocol";
import { AppError } from "../errors.ts";
import { AVATAR_MAX_BYTES } from "../avatars/image.ts";
import type { AvatarService } from "../avatars/service.ts";
import { notFound } from "./errors.ts";
import type { Handlers } from "./route.ts";
import { readSoleFile, type SoleFile } from "./upload.ts";

export function avatarHandlers(avatars: AvatarService): Pick<Handlers<Routes["users"]>, "uploadAvatar" | "removeAvatar" | "avatarFile"> {
  return {
    uploadAvatar: async ({ principal, request }) => avatars.set(principal.userId, await readSoleFile(request, avatarUpload)),
    removeAvatar: ({ principal }) => avatars.remove(principal.userId),
    // Public and immutable: every upload gets a new random name.
    avatarFile: async ({ params, request, reply }) => {
      const stored = await avatars.file(params.file);
      if (!stored) throw notFound(request.url);
      return reply
        .header("content-type", "image/webp")
        .header("cache-control", "public, max-age=31536000, immutable")
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
        .header("content-disposition", "inline")
        .send(stored.data);
    },
  };
}

/** The avatar, read into memory (5 MB at most); decoded only once the request proved to be one file. */
export const avatarUpload: SoleFile<Buffer> = {
  maxBytes: AVATAR_MAX_BYTES,
  async take(file) {
    const data = await file.toBuffer();
    if (data.length > AVATAR_MAX_BYTES) throw avatarUpload.tooLarge();
    return data;
  },
  discard: () => Promise.resolve(),
  tooLarge: () => new AppError("UPLOAD_TOO_LARGE", `Files may be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB.`, { maxBytes: AVATAR_MAX_BYTES }),
};
