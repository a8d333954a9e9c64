/** What the server takes (server/src/uploads/avatar.ts): it checks the content again, this only saves a wasted upload. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
export const AVATAR_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;

/** Why a chosen file cannot be an avatar, as an error code for errorText, or undefined when it may be sent. */
export function avatarFileProblem(file: { size: number; type: string }): "UPLOAD_TOO_LARGE" | "UPLOAD_UNSUPPORTED" | undefined {
  if (file.type !== "" && !(AVATAR_TYPES as readonly string[]).includes(file.type)) return "UPLOAD_UNSUPPORTED";
  if (file.size > AVATAR_MAX_BYTES) return "UPLOAD_TOO_LARGE";
  return undefined;
}
