import { avatarOf, type PublicUser } from "@easyqr/protocol";
import type { Db, UsersTable } from "../db/schema.ts";
import { areConnected } from "./checks.ts";

/**
 * What of a profile a viewer may see; every profile served or pushed goes through `profileFor`.
 * Name, username and avatar are for anyone; the bio is for the owner, their connections, and
 * everyone else only while its owner shares it with everyone. A block ends the connection, so a
 * blocked user (either way) sees what any stranger sees: a block stays invisible (ADR 0005).
 */

export type ProfileRow = Pick<UsersTable, "id" | "name" | "username" | "bio" | "bioVisibility" | "avatarId">;

/** How the viewer stands with the profile's owner. */
export type Standing = "self" | "connection" | "stranger";

export function profileFor(subject: ProfileRow, standing: Standing): PublicUser {
  const bioShown = standing !== "stranger" || subject.bioVisibility === "everyone";
  return { id: subject.id, name: subject.name, username: subject.username, bio: bioShown ? subject.bio : null, avatar: avatarOf(subject.avatarId) };
}

/** `profileFor` when the caller does not know yet how `viewerId` stands with the owner. */
export async function profileSeenBy(db: Db, viewerId: string, subject: ProfileRow): Promise<PublicUser> {
  const standing = viewerId === subject.id ? "self" : (await areConnected(db, viewerId, subject.id)) ? "connection" : "stranger";
  return profileFor(subject, standing);
}
