import { useId } from "react";
import type { Availability } from "./availability.ts";

const tone: Record<Availability["kind"], string> = {
  empty: "",
  invalid: "field__status--bad",
  own: "field__status--ok",
  checking: "",
  available: "field__status--ok",
  taken: "field__status--bad",
  unknown: "",
};

/** The username input with its "@" and a live line saying whether the name is free. */
export function UsernameField({
  value,
  onChange,
  availability,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  availability: Availability;
  error?: string;
}) {
  const id = useId();
  const text = error ?? ("text" in availability ? availability.text : "3–32 letters, digits or _.");
  const bad = Boolean(error) || availability.kind === "invalid" || availability.kind === "taken";
  return (
    <div className="field">
      <label htmlFor={id}>Username</label>
      <div className="field__affix">
        <span aria-hidden="true">@</span>
        <input
          id={id}
          name="username"
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          maxLength={32}
          aria-invalid={bad || undefined}
          aria-describedby={`${id}-status`}
        />
      </div>
      <p id={`${id}-status`} className={`field__status ${error ? "field__status--bad" : tone[availability.kind]}`} role="status" aria-live="polite">
        {text}
      </p>
    </div>
  );
}
