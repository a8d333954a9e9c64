import type { Metadata } from "sharp";
import { loadSharp } from "../storage/sharp.ts";
import { AppError } from "../errors.ts";
import type { ChatImageType } from "../storage/sniff.ts";

/** Pixels an image may have, all frames of an animation counted (a 50 MP photo; 200 frames of 500 × 500). */
export const IMAGE_MAX_PIXELS = 50_000_000;
/** The long side of the stored image. */
export const IMAGE_MAX_SIDE = 2048;
export const THUMB_MAX_SIDE = 320;

export type ProcessedImage = { main: Buffer; thumb: Buffer; width: number; height: number };

/**
 * Re-encodes an uploaded image (the file at `path`, whose first bytes said `type`) as WebP: the
 * size in pixels comes from the header before anything is decoded (a tiny file claiming
 * 50,000 × 50,000 is refused at once); then it is turned upright by its EXIF orientation, its
 * long side capped at 2048 px and every bit of metadata dropped. Animated GIF and WebP stay
 * animated. The thumbnail is the first frame, 320 px on its long side.
 */
export async function processImage(path: string, type: ChatImageType): Promise<ProcessedImage> {
  const sharp = await loadSharp();
  let header: Metadata;
  try {
    header = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError("UPLOAD_INVALID", "This file could not be read as an image.", undefined, { cause: error });
  }
  if (header.format !== type) throw new AppError("UPLOAD_INVALID", "This file's content does not match an image of its kind.");
  const frames = Math.max(1, header.pages ?? 1);
  const pixels = (header.width ?? 0) * (header.pageHeight ?? header.height ?? 0) * frames;
  if (pixels > IMAGE_MAX_PIXELS) {
    throw new AppError("UPLOAD_TOO_LARGE", `Images may have at most ${IMAGE_MAX_PIXELS / 1_000_000} megapixels.`, { maxPixels: IMAGE_MAX_PIXELS });
  }
  if (pixels === 0) throw new AppError("UPLOAD_INVALID", "This image has no pixels.");
  const animated = frames > 1;
  const fit = (side: number) => ({ width: side, height: side, fit: "inside" as const, withoutEnlargement: true });
  try {
    const input = sharp(path, { limitInputPixels: IMAGE_MAX_PIXELS, failOn: "error", animated });
    const oriented = animated ? input : input.autoOrient();
    const main = await oriented.resize(fit(IMAGE_MAX_SIDE)).webp({ quality: 82 }).toBuffer({ resolveWithObject: true });
    const thumb = await sharp(path, { limitInputPixels: IMAGE_MAX_PIXELS, failOn: "error", pages: 1 })
      .autoOrient()
      .resize(fit(THUMB_MAX_SIDE))
      .webp({ quality: 70 })
      .toBuffer();
    return { main: main.data, thumb, width: main.info.width, height: main.info.pageHeight ?? main.info.height };
  } catch (error) {
    throw new AppError("UPLOAD_INVALID", "This image is damaged or could not be decoded.", undefined, { cause: error });
  }
}
