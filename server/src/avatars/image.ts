import type { Metadata } from "sharp";
import { loadSharp } from "../storage/sharp.ts";
import { AppError } from "../errors.ts";
import { sniffImage } from "../storage/sniff.ts";

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
export const AVATAR_MAX_PIXELS = 25_000_000;
export const AVATAR_SIZE = 512;
export const AVATAR_THUMB_SIZE = 96;

export type AvatarImages = { main: Buffer; thumb: Buffer };

/**
 * Turns an uploaded file into a 512 px and a 96 px square WebP. The type comes from the
 * content (JPEG, PNG, WebP); the size in pixels from the header, before anything is
 * decoded (a small file claiming 50,000 × 50,000 is refused at once); then the image is
 * decoded, turned upright by its EXIF orientation and re-encoded: no metadata, no trailing
 * bytes, nothing of the original file survives but pixels.
 */
export async function processAvatar(data: Buffer): Promise<AvatarImages> {
  const type = sniffImage(data);
  if (!type) throw new AppError("UPLOAD_UNSUPPORTED", "Send a JPEG, PNG or WebP image.");
  const sharp = await loadSharp();
  let header: Metadata;
  try {
    header = await sharp(data, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError("UPLOAD_INVALID", "This file could not be read as an image.", undefined, { cause: error });
  }
  if (header.format !== type) throw new AppError("UPLOAD_INVALID", "This file's content does not match an image of its kind.");
  const pixels = (header.width ?? 0) * (header.height ?? 0) * Math.max(1, header.pages ?? 1);
  if (pixels > AVATAR_MAX_PIXELS) {
    throw new AppError("UPLOAD_TOO_LARGE", `Images may have at most ${AVATAR_MAX_PIXELS / 1_000_000} megapixels.`, { maxPixels: AVATAR_MAX_PIXELS });
  }
  if (pixels === 0) throw new AppError("UPLOAD_INVALID", "This image has no pixels.");
  try {
    const upright = sharp(data, { limitInputPixels: AVATAR_MAX_PIXELS, failOn: "error", pages: 1 }).autoOrient();
    const square = (size: number, quality: number) => upright.clone().resize(size, size, { fit: "cover", position: "centre" }).webp({ quality }).toBuffer();
    const [main, thumb] = await Promise.all([square(AVATAR_SIZE, 82), square(AVATAR_THUMB_SIZE, 75)]);
    return { main, thumb };
  } catch (error) {
    throw new AppError("UPLOAD_INVALID", "This image is damaged or could not be decoded.", undefined, { cause: error });
  }
}
