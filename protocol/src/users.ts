import * as z from "zod/mini";
import { bounded, personText } from "./text.ts";

export const UserId = z.uuid();

/** 3–32 of a-z, 0-9 and _; case-insensitive (stored and compared in lower case). */
export const Username = z.pipe(
  bounded(64, "a username is 3–32 letters, digits or _").check(z.trim(), z.toLowerCase()),
  z.string().check(z.regex(/^[a-z0-9_]{3,32}$/, "a username is 3–32 letters, digits or _")),
);
export const DisplayName = personText("a name", 64).check(z.trim(), z.minLength(1, "a name is 1–64 characters"));
export const Bio = personText("a bio", 140, { lines: true }).check(z.trim());

export const Avatar = z.object({
  /** 512 px WebP, relative to the server. */
  url: z.string(),
  /** 96 px WebP. */
  thumbUrl: z.string(),
});
export type Avatar = z.infer<typeof Avatar>;

/** Who may see a user's bio besides their connections: nobody else (the default), or everyone. */
export const BioVisibility = z.enum(["connections", "everyone"]);
export type BioVisibility = z.infer<typeof BioVisibility>;

/**
 * A user as the viewer may see them. Name, username and avatar are for anyone; `bio` is null unless
 * the viewer is a connection or its owner shares it with everyone (or when there is none).
 */
export const PublicUser = z.object({
  id: z.string(),
  name: z.nullable(z.string()),
  username: z.nullable(z.string()),
  bio: z.nullable(z.string()),
  avatar: z.nullable(Avatar),
});
export type PublicUser = z.infer<typeof PublicUser>;

/** The signed-in user's own view. */
export const Me = z.extend(PublicUser, {
  email: z.nullable(z.string()),
  phone: z.nullable(z.string()),
  createdAt: z.int(),
  /** Onboarding is done once name and username are set. */
  onboarded: z.boolean(),
  /** Connections do not see when you were last online; you do not see theirs either. */
  hideLastSeen: z.boolean(),
  /** Who sees your bio: your connections only, or everyone. */
  bioVisibility: BioVisibility,
});
export type Me = z.infer<typeof Me>;

/** Fields left out stay as they are; `bio: null` clears the bio. */
export const UpdateProfileRequest = z.strictObject({
  name: z.optional(DisplayName),
  username: z.optional(Username),
  bio: z.optional(z.nullable(Bio)),
  bioVisibility: z.optional(BioVisibility),
  hideLastSeen: z.optional(z.boolean()),
});
export type UpdateProfileRequest = z.infer<typeof UpdateProfileRequest>;

export const UsernameAvailabilityQuery = z.strictObject({ username: bounded(64) });
export const UsernameAvailability = z.object({
  username: z.string(),
  available: z.boolean(),
  /** Why not: `invalid` (does not match the rules) or `taken`. */
  reason: z.optional(z.enum(["invalid", "taken"])),
});
export type UsernameAvailability = z.infer<typeof UsernameAvailability>;

export const UsernameParams = z.strictObject({ username: Username });

/** `GET /api/media/avatars/:file`: `<id>.webp` or `<id>-thumb.webp`, as in `avatar.url`/`thumbUrl`. */
export const AvatarFileParams = z.object({ file: z.string().check(z.maxLength(100)) });
