import { useAtom, useSetAtom } from "jotai";
import { useId, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "../api/errorText.ts";
import { ApiError } from "../api/http.ts";
import { AuthCard } from "../components/AuthCard.tsx";
import { paths } from "../paths.ts";
import { accounts, pendingSignInAtom, sessionAtom } from "../features/session/state.ts";
import { checkIdentifier, phoneProblemText, type IdentifierKind } from "../features/signin/identifier.ts";
import { FormError } from "../components/FormError.tsx";

const fields: Record<IdentifierKind, { label: string; type: string; autoComplete: string; placeholder: string }> = {
  email: { label: "Email address", type: "email", autoComplete: "email", placeholder: "name@example.com" },
  phone: { label: "Phone number", type: "tel", autoComplete: "tel", placeholder: "+44 20 7946 0000" },
};

/** /sign-in: an email address or a phone number; a code goes there. */
export function SignInPage() {
  const id = useId();
  const navigate = useNavigate();
  const [session, setSession] = useAtom(sessionAtom);
  const setPending = useSetAtom(pendingSignInAtom);
  const [kind, setKind] = useState<IdentifierKind>("email");
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const notice = session.status === "signedOut" ? session.notice : undefined;
  const field = fields[kind];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkIdentifier(kind, text);
    if (!checked.ok) return setError(checked.message);
    setError(undefined);
    setBusy(true);
    try {
      const sent = await accounts.requestCode(checked.value);
      setPending({
        identifier: checked.value,
        requestId: sent.requestId,
        expiresAt: sent.expiresAt,
        sentAt: Date.now(),
      });
      if (notice) setSession({ status: "signedOut" });
      await navigate(paths.code);
    } catch (failure) {
      const phone = failure instanceof ApiError && failure.code === "IDENTIFIER_INVALID" && kind === "phone";
      setError(phone ? phoneProblemText(failure.details("IDENTIFIER_INVALID")) : errorMessage(failure));
      setBusy(false);
    }
  };

  const choose = (next: IdentifierKind) => {
    setKind(next);
    setText("");
    setError(undefined);
  };

  return (
    <AuthCard title="Sign in to EasyQR" lead="We will send you a 6-digit code. New here? Signing in creates your account.">
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form className="auth__form" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="segmented">
          <legend className="visually-hidden">Send the code to</legend>
          {(["email", "phone"] as const).map((option) => (
            <label key={option} className="segmented__option">
              <input type="radio" name="kind" value={option} checked={kind === option} onChange={() => choose(option)} />
              <span>{option === "email" ? "Email" : "Phone"}</span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={id}>{field.label}</label>
          <input
            id={id}
            key={kind}
            name={kind}
            type={field.type}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setError(undefined);
            }}
            autoComplete={field.autoComplete}
            placeholder={field.placeholder}
            maxLength={kind === "email" ? 254 : 32}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : kind === "phone" ? `${id}-hint` : undefined}
          />
          {kind === "phone" && !error ? (
            <p id={`${id}-hint`} className="field__status">
              Include the country code, like +44.
            </p>
          ) : null}
          <FormError id={`${id}-error`} message={error} />
        </div>
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? "Sending…" : "Send code"}
        </button>
      </form>
    </AuthCard>
  );
}
