import { useId, useState, type FormEvent } from "react";
import { PairingCode } from "@easyqr/protocol";
import { FormError } from "../../components/FormError.tsx";

/** Typing the 8-character code shown under the desktop's QR, for phones without a usable camera. */
export function CodeEntryForm({
  onSubmit,
  busy,
  label = "Pairing code",
  action = "Link",
}: {
  onSubmit: (code: string) => void;
  busy: boolean;
  label?: string;
  action?: string;
}) {
  const id = useId();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = PairingCode.safeParse(value);
    if (!parsed.success) return setError("A code is 8 letters and digits, like 7KQ2-M9XD.");
    setError(undefined);
    onSubmit(parsed.data);
  };

  return (
    <form className="code-form" onSubmit={submit} noValidate>
      <label htmlFor={id}>{label}</label>
      <div className="code-form__row">
        <input
          id={id}
          name="code"
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          placeholder="XXXX-XXXX"
          autoComplete="one-time-code"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          maxLength={16}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <button type="submit" className="button button--primary" disabled={busy}>
          {action}
        </button>
      </div>
      <FormError id={`${id}-error`} message={error} />
    </form>
  );
}
