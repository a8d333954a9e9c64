import type { FastifyInstance } from "fastify";
import { Me } from "@easyqr/protocol";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { AVATAR_MAX_BYTES } from "../avatars/image.ts";
import type { AvatarService } from "../avatars/service.ts";
import { notFound } from "./errors.ts";
import type { Router } from "./route.ts";
import { readSoleFile, type SoleFile } from "./upload.ts";

const authErrors = ["AUTH_REQUIRED", "AUTH_TOKEN_INVALID", "AUTH_TOKEN_EXPIRED", "AUTH_SESSION_REVOKED"] as const;
const MediaParams = z.object({ file: z.string().max(100) });

export function registerAvatarRoutes(app: FastifyInstance, router: Router, avatars: AvatarService): void {
  router.add(
    {
      method: "PUT",
      url: "/api/users/me/avatar",
      tag: "users",
      summary: "Upload an avatar: multipart field `file`, JPEG/PNG/WebP (by content) ≤ 5 MB and ≤ 25 megapixels; stored as 512 px and 96 px WebP",
      auth: true,
      multipartFile: "file",
      response: Me,
      errors: [...authErrors, "UPLOAD_TOO_LARGE", "UPLOAD_UNSUPPORTED", "UPLOAD_INVALID"],
    },
    async ({ principal, request }) => avatars.set(principal.userId, await readSoleFile(request, avatarUpload)),
  );

  router.add(
    { method: "DELETE", url: "/api/users/me/avatar", tag: "users", summary: "Remove the avatar", auth: true, response: Me, errors: [...authErrors] },
    ({ principal }) => avatars.remove(principal.userId),
  );

  // Public and immutable: every upload gets a new random name.
  router.describe({
    method: "GET",
    url: "/api/media/avatars/:file",
    tag: "users",
    summary: "An avatar file (`<id>.webp` or `<id>-thumb.webp`, as in `avatar.url`/`thumbUrl`); cached for a year",
    auth: false,
    params: MediaParams,
    fileResponse: "image/webp",
    errors: ["NOT_FOUND"],
  });
  app.get("/api/media/avatars/:file", async (request, reply) => {
    const { file } = MediaParams.parse(request.params);
    const stored = await avatars.file(file);
    if (!stored) throw notFound(request.url);
    return reply
      .header("content-type", "image/webp")
      .header("cache-control", "public, max-age=31536000, immutable")
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
      .header("content-disposition", "inline")
      .send(stored.data);
  });
}

/** The avatar, read into memory (5 MB at most); decoded only once the request proved to be one file. */
const avatarUpload: SoleFile<Buffer> = {
  maxBytes: AVATAR_MAX_BYTES,
  async take(file) {
    const data = await file.toBuffer();
    if (data.length > AVATAR_MAX_BYTES) throw avatarUpload.tooLarge();
    return data;
  },
  discard: () => Promise.resolve(),
  tooLarge: () => new AppError("UPLOAD_TOO_LARGE", `Files may be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB.`, { maxBytes: AVATAR_MAX_BYTES }),
};
