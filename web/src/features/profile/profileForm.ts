import { Bio, DisplayName, Username } from "@easyqr/protocol";
import type { Me, UpdateProfileRequest } from "@easyqr/protocol";

export type ProfileDraft = { name: string; username: string; bio: string };
export type ProfileErrors = Partial<Record<keyof ProfileDraft, string>>;

/** The draft a form starts from. */
export function draftOf(user: Me): ProfileDraft {
  return { name: user.name ?? "", username: user.username ?? "", bio: user.bio ?? "" };
}

/**
 * Checks a draft with the protocol's schemas and returns only what changed (an empty bio
 * clears it). `required` fields must be filled even when unchanged (onboarding).
 */
export function profileChanges(user: Me, draft: ProfileDraft): { ok: true; changes: UpdateProfileRequest } | { ok: false; errors: ProfileErrors } {
  const errors: ProfileErrors = {};
  const changes: UpdateProfileRequest = {};
  const name = DisplayName.safeParse(draft.name);
  if (!name.success) errors.name = draft.name.trim() === "" ? "Enter your name." : "A name is at most 64 characters.";
  else if (name.data !== user.name) changes.name = name.data;
  const username = Username.safeParse(draft.username);
  if (!username.success) errors.username = draft.username.trim() === "" ? "Choose a username." : "A username is 3–32 letters, digits or _ (no spaces).";
  else if (username.data !== user.username) changes.username = username.data;
  const bio = Bio.safeParse(draft.bio);
  if (!bio.success) errors.bio = "A bio is at most 140 characters.";
  else if ((bio.data || null) !== user.bio) changes.bio = bio.data || null;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, changes };
}
