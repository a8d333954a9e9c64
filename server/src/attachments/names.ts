const MAX_NAME_CHARS = 200;
const MAX_EXTENSION_CHARS = 16;

/**
 * A file name that is safe to store, show and offer for download: the last path segment only,
 * no control or format characters (a right-to-left override turns `gpj.exe` into `exe.jpg` on
 * screen), no characters Windows refuses, no leading dots, at most 200 characters with the
 * extension kept. Never used as a storage key.
 */
export function safeFileName(raw: string | undefined, fallback = "file"): string {
  const last = (raw ?? "").split(/[/\\]/).pop() ?? "";
  const cleaned = last
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "")
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+|[\s.]+$/g, "");
  if (!cleaned) return fallback;
  const chars = [...cleaned];
  if (chars.length <= MAX_NAME_CHARS) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 ? [...cleaned.slice(dot)] : [];
  const keep = extension.length > 1 && extension.length <= MAX_EXTENSION_CHARS ? extension : [];
  return (
    chars
      .slice(0, MAX_NAME_CHARS - keep.length)
      .join("")
      .trimEnd() + keep.join("")
  );
}

/** The name with its extension replaced (`photo.jpg` → `photo.webp`): a re-encoded image is no longer the original format. */
export function withExtension(name: string, extension: string): string {
  const dot = name.lastIndexOf(".");
  return `${dot > 0 ? name.slice(0, dot) : name}.${extension}`;
}

/** `Content-Disposition` with an ASCII fallback name and the exact UTF-8 one (RFC 6266 / 8187). */
export function contentDisposition(type: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
