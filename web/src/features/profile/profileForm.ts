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

/** The photo part of the profile form: as it is, a newly chosen file (with its preview), or removed. */
export type PhotoChange = { kind: "keep" } | { kind: "new"; file: File; preview: string } | { kind: "remove" };

/** What one "Save changes" does: the fields that changed, then the photo; nothing when nothing changed. */
export function savePlan(changes: UpdateProfileRequest, photo: PhotoChange): { fields: UpdateProfileRequest | null; photo: PhotoChange["kind"] } {
  return { fields: Object.keys(changes).length ? changes : null, photo: photo.kind };
}

export function savesNothing(plan: ReturnType<typeof savePlan>): boolean {
  return plan.fields === null && plan.photo === "keep";
}
