import type { Me } from "@easyqr/protocol";
import { useEffect, useId, useRef, useState, type ChangeEvent } from "react";
import { errorText } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { AVATAR_TYPES, avatarFileProblem } from "./avatarFile.ts";
import type { PhotoChange } from "./profileForm.ts";
import { FormError } from "../../components/FormError.tsx";

/** The profile photo inside the profile form: pick a file and see it, or remove the current one; the form's Save saves it. */
export function AvatarPicker({ user, photo, onChange, disabled }: { user: Me; photo: PhotoChange; onChange: (photo: PhotoChange) => void; disabled: boolean }) {
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string>();
  const preview = photo.kind === "new" ? photo.preview : undefined;

  // The preview's object URL lives as long as the choice.
  useEffect(() => (preview ? () => URL.revokeObjectURL(preview) : undefined), [preview]);

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.currentTarget.files?.[0];
    event.currentTarget.value = "";
    if (!file) return;
    const problem = avatarFileProblem(file);
    if (problem) return setError(errorText(problem));
    setError(undefined);
    onChange({ kind: "new", file, preview: URL.createObjectURL(file) });
  };

  const shown = photo.kind === "remove" ? { ...user, avatar: null } : user;
  const label =
    photo.kind === "new" ? "Preview of your new profile photo" : photo.kind === "remove" ? "Your photo, removed when you save" : "Your profile photo";
  const hint =
    photo.kind === "new"
      ? "This is how your new photo will look. Save changes to keep it."
      : photo.kind === "remove"
        ? "Your photo goes when you save changes."
        : "JPEG, PNG or WebP, up to 5 MB.";
  return (
    <div className="avatar-picker">
      <Avatar user={shown} size={112} src={preview} label={label} />
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
        <p className="avatar-picker__hint">{hint}</p>
        <div className="button-row">
          <button type="button" className="button button--secondary" disabled={disabled} onClick={() => fileInput.current?.click()}>
            {user.avatar || photo.kind === "new" ? "Change photo" : "Choose photo"}
          </button>
          {photo.kind !== "keep" ? (
            <button type="button" className="button button--ghost" disabled={disabled} onClick={() => onChange({ kind: "keep" })}>
              {photo.kind === "new" ? "Cancel new photo" : "Keep photo"}
            </button>
          ) : user.avatar ? (
            <button type="button" className="button button--ghost" disabled={disabled} onClick={() => onChange({ kind: "remove" })}>
              Remove photo
            </button>
          ) : null}
        </div>
        <FormError message={error} />
      </div>
    </div>
  );
}
