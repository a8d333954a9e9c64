import type { Me } from "@easyqr/protocol";
import { useId, useState, type FormEvent } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { ApiError } from "../../api/http.ts";
import { accounts } from "../session/state.ts";
import { AvatarPicker } from "./AvatarPicker.tsx";
import { draftOf, profileChanges, savePlan, savesNothing, type PhotoChange, type ProfileDraft, type ProfileErrors } from "./profileForm.ts";
import { UsernameField } from "./UsernameField.tsx";
import { useUsernameAvailability } from "./useUsernameAvailability.ts";
import { FormError } from "../../components/FormError.tsx";

const BIO_MAX = 140;

/** Photo, name, username and bio: one form, one "Save changes" for all of it. */
export function ProfileForm({ user, onSaved }: { user: Me; onSaved: (user: Me) => void }) {
  const id = useId();
  const [draft, setDraft] = useState<ProfileDraft>(() => draftOf(user));
  const [errors, setErrors] = useState<ProfileErrors & { form?: string }>({});
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [photo, setPhoto] = useState<PhotoChange>({ kind: "keep" });
  const availability = useUsernameAvailability(draft.username, user.username);
  const checked = profileChanges(user, draft);
  const unchanged = checked.ok && savesNothing(savePlan(checked.changes, photo));

  const edit = (change: Partial<ProfileDraft>) => {
    setDraft((d) => ({ ...d, ...change }));
    setErrors({});
    setStatus(undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!checked.ok) return setErrors(checked.errors);
    if (availability.kind === "taken") return setErrors({ username: availability.text });
    const plan = savePlan(checked.changes, photo);
    setBusy(true);
    setStatus(undefined);
    try {
      let next = user;
      if (plan.fields) next = await accounts.updateProfile(plan.fields);
      if (photo.kind === "new") next = await accounts.uploadAvatar(photo.file);
      if (photo.kind === "remove") next = await accounts.removeAvatar();
      onSaved(next);
      setDraft(draftOf(next));
      setPhoto({ kind: "keep" });
      setStatus("Profile saved.");
    } catch (failure) {
      const text = errorMessage(failure);
      setErrors(failure instanceof ApiError && failure.code === "USERNAME_TAKEN" ? { username: text } : { form: text });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="profile-form" onSubmit={(e) => void submit(e)} noValidate>
      <AvatarPicker
        user={user}
        photo={photo}
        disabled={busy}
        onChange={(next) => {
          setPhoto(next);
          setErrors({});
          setStatus(undefined);
        }}
      />
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          name="name"
          value={draft.name}
          onChange={(e) => edit({ name: e.currentTarget.value })}
          autoComplete="name"
          maxLength={64}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? `${id}-name-error` : undefined}
        />
        <FormError id={`${id}-name-error`} message={errors.name} />
      </div>
      <UsernameField value={draft.username} onChange={(username) => edit({ username })} availability={availability} error={errors.username} />
      <div className="field">
        <label htmlFor={`${id}-bio`}>About</label>
        <textarea
          id={`${id}-bio`}
          name="bio"
          value={draft.bio}
          onChange={(e) => edit({ bio: e.currentTarget.value })}
          rows={3}
          maxLength={BIO_MAX}
          placeholder="A status or a few words about you"
          aria-invalid={errors.bio ? true : undefined}
          aria-describedby={`${id}-bio-count`}
        />
        <p id={`${id}-bio-count`} className="field__status field__count">
          {draft.bio.trim().length} / {BIO_MAX}
        </p>
        <FormError message={errors.bio} />
      </div>
      <FormError message={errors.form} />
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy || unchanged}>
          {busy ? "Saving…" : "Save changes"}
        </button>
        <p className="field__status field__status--ok" role="status">
          {status}
        </p>
      </div>
    </form>
  );
}
