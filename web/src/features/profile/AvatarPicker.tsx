import type { Me } from "@easyqr/protocol";
import { useEffect, useId, useRef, useState, type ChangeEvent } from "react";
import { errorMessage, errorText } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { accounts } from "../session/state.ts";
import { AVATAR_TYPES, avatarFileProblem } from "./avatarFile.ts";

/** The profile photo: pick a file, see it, then save or cancel; or remove the current one. */
export function AvatarPicker({ user, onSaved }: { user: Me; onSaved: (user: Me) => void }) {
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<{ file: File; preview: string }>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);

  // The preview's object URL lives as long as the choice.
  useEffect(() => (chosen ? () => URL.revokeObjectURL(chosen.preview) : undefined), [chosen]);

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.currentTarget.files?.[0];
    event.currentTarget.value = "";
    setStatus(undefined);
    if (!file) return;
    const problem = avatarFileProblem(file);
    if (problem) return setError(errorText(problem));
    setError(undefined);
    setChosen({ file, preview: URL.createObjectURL(file) });
  };

  const run = async (action: () => Promise<Me>, done: string) => {
    setBusy(true);
    setError(undefined);
    try {
      onSaved(await action());
      setChosen(undefined);
      setStatus(done);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="avatar-picker">
      <Avatar user={user} size={112} src={chosen?.preview} label={chosen ? "Preview of your new profile photo" : "Your profile photo"} />
      <div className="avatar-picker__controls">
        <input
          ref={fileInput}
          id={id}
          type="file"
          accept={AVATAR_TYPES.join(",")}
          className="visually-hidden"
          onChange={choose}
          tabIndex={-1}
          aria-label="Profile photo file"
        />
        {chosen ? (
          <>
            <p className="avatar-picker__hint">This is how your new photo will look.</p>
            <div className="button-row">
              <button
                type="button"
                className="button button--primary"
                disabled={busy}
                onClick={() => void run(() => accounts.uploadAvatar(chosen.file), "Photo saved.")}
              >
                {busy ? "Saving…" : "Save photo"}
              </button>
              <button type="button" className="button button--ghost" disabled={busy} onClick={() => setChosen(undefined)}>
                Cancel
              </button>
            </div>
          </>
        ) : (
          <>
            <p className="avatar-picker__hint">JPEG, PNG or WebP, up to 5 MB.</p>
            <div className="button-row">
              <button type="button" className="button button--secondary" disabled={busy} onClick={() => fileInput.current?.click()}>
                {user.avatar ? "Change photo" : "Choose photo"}
              </button>
              {user.avatar ? (
                <button
                  type="button"
                  className="button button--ghost"
                  disabled={busy}
                  onClick={() => void run(() => accounts.removeAvatar(), "Photo removed.")}
                >
                  Remove
                </button>
              ) : null}
            </div>
          </>
        )}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <p className="field__status field__status--ok" role="status">
          {status}
        </p>
      </div>
    </div>
  );
}
