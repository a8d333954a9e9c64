/** Image types accepted for avatars, recognised by their first bytes (never by name or declared type). */
export type ImageType = "jpeg" | "png" | "webp";

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffImage(data: Uint8Array): ImageType | undefined {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => data[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return "jpeg";
  if (starts(PNG)) return "png";
  // RIFF....WEBP
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "webp";
  return undefined;
}

/** Image types a chat attachment may be shown as: the avatar's, and GIF (animations are kept). */
export type ChatImageType = ImageType | "gif";

export function sniffChatImage(data: Uint8Array): ChatImageType | undefined {
  const gif = [0x47, 0x49, 0x46, 0x38]; // GIF8 (7a or 9a)
  if (gif.every((b, i) => data[i] === b) && (data[4] === 0x37 || data[4] === 0x39) && data[5] === 0x61) return "gif";
  return sniffImage(data);
}
