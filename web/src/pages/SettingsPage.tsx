import type { Me } from "@easyqr/protocol";
import { useAtomValue, useSetAtom } from "jotai";
import { useId, useState, type FormEvent } from "react";
import { errorMessage } from "../api/errorText.ts";
import { ApiError } from "../api/http.ts";
import { SubPage } from "../components/SubPage.tsx";
import { LinkedDevices } from "../features/linking/LinkedDevices.tsx";
import { BioVisibilitySetting, BlockedList, LastSeenSetting } from "../features/contacts/PrivacySettings.tsx";
import { AvatarPicker } from "../features/profile/AvatarPicker.tsx";
import { draftOf, profileChanges, type ProfileDraft, type ProfileErrors } from "../features/profile/profileForm.ts";
import { UsernameField } from "../features/profile/UsernameField.tsx";
import { useUsernameAvailability } from "../features/profile/useUsernameAvailability.ts";
import { accounts, pendingSignInAtom, sessionAtom, userAtom } from "../features/session/state.ts";

const BIO_MAX = 140;

/** /settings: profile (photo, name, username, bio), privacy, blocked people and signing out. */
export function SettingsPage() {
  const user = useAtomValue(userAtom);
  const setSession = useSetAtom(sessionAtom);
  const setPending = useSetAtom(pendingSignInAtom);
  const [leaving, setLeaving] = useState(false);
  if (!user) return null;
  const saved = (next: Me) => setSession({ status: "signedIn", user: next });

  const logout = async (everywhere: boolean) => {
    setLeaving(true);
    await accounts.logout({ everywhere });
    setPending(null);
    setSession({ status: "signedOut", notice: everywhere ? "You have signed out on all your devices." : "You have signed out." });
  };

  return (
    <SubPage title="Settings">
      <section className="card settings__section" aria-labelledby="photo-title">
        <h2 id="photo-title">Profile photo</h2>
        <AvatarPicker user={user} onSaved={saved} />
      </section>
      <section className="card settings__section" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <ProfileForm key={user.id} user={user} onSaved={saved} />
      </section>
      <section className="card settings__section" aria-labelledby="privacy-title">
        <h2 id="privacy-title">Privacy</h2>
        <BioVisibilitySetting user={user} onSaved={saved} />
        <LastSeenSetting user={user} onSaved={saved} />
      </section>
      <section className="card settings__section" aria-labelledby="blocked-title">
        <h2 id="blocked-title">Blocked</h2>
        <BlockedList />
      </section>
      <section className="card settings__section" aria-labelledby="devices-title">
        <h2 id="devices-title">Linked devices</h2>
        <LinkedDevices />
      </section>
      <section className="card settings__section" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <p className="settings__signed-in">
          Signed in as <strong>{user.email ?? user.phone}</strong>
        </p>
        <div className="button-row">
          <button type="button" className="button button--danger" disabled={leaving} onClick={() => void logout(false)}>
            Log out
          </button>
          <button type="button" className="button button--ghost" disabled={leaving} onClick={() => void logout(true)}>
            Log out on all devices
          </button>
        </div>
      </section>
    </SubPage>
  );
}

function ProfileForm({ user, onSaved }: { user: Me; onSaved: (user: Me) => void }) {
  const id = useId();
  const [draft, setDraft] = useState<ProfileDraft>(() => draftOf(user));
  const [errors, setErrors] = useState<ProfileErrors & { form?: string }>({});
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const availability = useUsernameAvailability(draft.username, user.username);
  const checked = profileChanges(user, draft);
  const unchanged = checked.ok && Object.keys(checked.changes).length === 0;

  const edit = (change: Partial<ProfileDraft>) => {
    setDraft((d) => ({ ...d, ...change }));
    setErrors({});
    setStatus(undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!checked.ok) return setErrors(checked.errors);
    if (availability.kind === "taken") return setErrors({ username: availability.text });
    setBusy(true);
    try {
      const next = await accounts.updateProfile(checked.changes);
      onSaved(next);
      setDraft(draftOf(next));
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
        {errors.name ? (
          <p id={`${id}-name-error`} className="form-error" role="alert">
            {errors.name}
          </p>
        ) : null}
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
        {errors.bio ? (
          <p className="form-error" role="alert">
            {errors.bio}
          </p>
        ) : null}
      </div>
      {errors.form ? (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
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
