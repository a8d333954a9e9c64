import { useAtomValue, useSetAtom } from "jotai";
import { useId, useState, type FormEvent } from "react";
import { errorMessage } from "../api/errorText.ts";
import { ApiError } from "../api/http.ts";
import { AuthCard } from "../components/AuthCard.tsx";
import { profileChanges, type ProfileErrors } from "../features/profile/profileForm.ts";
import { UsernameField } from "../features/profile/UsernameField.tsx";
import { useUsernameAvailability } from "../features/profile/useUsernameAvailability.ts";
import { accounts, sessionAtom, userAtom } from "../features/session/state.ts";
import { FormError } from "../components/FormError.tsx";

/** /onboarding: a new account picks its name and username before entering the app. */
export function OnboardingPage() {
  const id = useId();
  const user = useAtomValue(userAtom);
  const setSession = useSetAtom(sessionAtom);
  const [name, setName] = useState(user?.name ?? "");
  const [username, setUsername] = useState(user?.username ?? "");
  const [errors, setErrors] = useState<ProfileErrors & { form?: string }>({});
  const [busy, setBusy] = useState(false);
  const availability = useUsernameAvailability(username, user?.username);
  if (!user) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = profileChanges(user, { name, username, bio: user.bio ?? "" });
    if (!checked.ok) return setErrors(checked.errors);
    if (availability.kind === "taken") return setErrors({ username: availability.text });
    setErrors({});
    setBusy(true);
    try {
      const updated = await accounts.updateProfile(checked.changes);
      // The onboarding route sends a finished profile on to /home.
      setSession({ status: "signedIn", user: updated });
    } catch (failure) {
      const text = errorMessage(failure);
      setErrors(failure instanceof ApiError && failure.code === "USERNAME_TAKEN" ? { username: text } : { form: text });
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Set up your profile" lead="This is how people see you. Your username lets them find you.">
      <form className="auth__form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={id}>Your name</label>
          <input
            id={id}
            name="name"
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setErrors({});
            }}
            autoComplete="name"
            maxLength={64}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? `${id}-error` : undefined}
          />
          <FormError id={`${id}-error`} message={errors.name} />
        </div>
        <UsernameField
          value={username}
          onChange={(value) => {
            setUsername(value);
            setErrors({});
          }}
          availability={availability}
          error={errors.username}
        />
        <FormError message={errors.form} />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? "Saving…" : "Continue"}
        </button>
      </form>
    </AuthCard>
  );
}
