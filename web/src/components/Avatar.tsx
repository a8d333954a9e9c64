import type { PublicUser } from "@easyqr/protocol";

/** Up to two initials of a name or username, for users without a photo. */
export function initials(user: Pick<PublicUser, "name" | "username">): string {
  const source = user.name?.trim() || user.username || "?";
  const words = source.split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]].map((w) => [...(w ?? "")][0]) : [...source].slice(0, 1);
  return letters.join("").toUpperCase();
}

/**
 * A round picture of a user: their photo, or their initials. Decorative by default
 * (the name is always written next to it); pass `label` when it stands alone.
 */
export function Avatar({
  user,
  size = 40,
  src,
  label,
}: {
  user: Pick<PublicUser, "name" | "username" | "avatar">;
  size?: number;
  src?: string;
  label?: string;
}) {
  const image = src ?? (user.avatar ? (size <= 96 ? user.avatar.thumbUrl : user.avatar.url) : undefined);
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4) };
  if (image) return <img className="avatar" src={image} alt={label ?? ""} width={size} height={size} style={style} />;
  return (
    <span className="avatar avatar--initials" style={style} role={label ? "img" : undefined} aria-label={label} aria-hidden={label ? undefined : true}>
      {initials(user)}
    </span>
  );
}
