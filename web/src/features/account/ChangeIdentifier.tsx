import { OTP_LENGTH, type Me } from "@easyqr/protocol";
import { useId, useState, type FormEvent } from "react";
import { accounts } from "../session/state.ts";
import { checkIdentifier, codeDigits, identifierLabel, type IdentifierKind } from "../signin/identifier.ts";
import { identifierChangeError } from "./identifierChangeError.ts";
import { FormError } from "../../components/FormError.tsx";

type Step = { at: "idle" } | { at: "address"; kind: IdentifierKind } | { at: "code"; kind: IdentifierKind; sentTo: string; requestId: string };

const labels: Record<IdentifierKind, { field: string; type: string; autoComplete: string; placeholder: string }> = {
  email: { field: "New email address", type: "email", autoComplete: "email", placeholder: "name@example.com" },
  phone: { field: "New phone number", type: "tel", autoComplete: "tel", placeholder: "+44 20 7946 0000" },
};

/** Settings → Account: change (or add) the email or phone, confirmed by a code sent to the new one. */
export function ChangeIdentifier({ user, onSaved }: { user: Me; onSaved: (user: Me) => void }) {
  const id = useId();
  const [step, setStep] = useState<Step>({ at: "idle" });
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  const start = (kind: IdentifierKind) => {
    setStep({ at: "address", kind });
    setText("");
    setError(undefined);
    setDone(undefined);
  };
  const cancel = () => {
    setStep({ at: "idle" });
    setError(undefined);
  };

  const run = async (work: () => Promise<void>, kind: IdentifierKind) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (failure) {
      setError(identifierChangeError(failure, kind));
    } finally {
      setBusy(false);
    }
  };

  const sendCode = (event: FormEvent, kind: IdentifierKind) => {
    event.preventDefault();
    const checked = checkIdentifier(kind, text);
    if (!checked.ok) return setError(checked.message);
    void run(async () => {
      const sent = await accounts.requestIdentifierChange(checked.value);
      setStep({ at: "code", kind, sentTo: identifierLabel(checked.value), requestId: sent.requestId });
      setText("");
    }, kind);
  };

  const confirm = (event: FormEvent, current: Extract<Step, { at: "code" }>) => {
    event.preventDefault();
    const code = codeDigits(text);
    if (code.length !== OTP_LENGTH) return setError(`Enter all ${OTP_LENGTH} digits of the code.`);
    void run(async () => {
      const updated = await accounts.confirmIdentifierChange({ requestId: current.requestId, code });
      onSaved(updated);
      setStep({ at: "idle" });
      setDone(current.kind === "email" ? `Your email address is now ${current.sentTo}.` : `Your phone number is now ${current.sentTo}.`);
    }, current.kind);
  };

  const errorLine = <FormError id={`${id}-error`} message={error} />;

  if (step.at === "idle") {
    return (
      <div className="account-ids">
        <dl className="account-ids__list">
          <dt>Email</dt>
          <dd data-testid="account-email">{user.email ?? "None"}</dd>
          <dt>Phone</dt>
          <dd data-testid="account-phone">{user.phone ?? "None"}</dd>
        </dl>
        <div className="button-row">
          <button type="button" className="button button--secondary button--small" onClick={() => start("email")}>
            {user.email ? "Change email" : "Add email"}
          </button>
          <button type="button" className="button button--secondary button--small" onClick={() => start("phone")}>
            {user.phone ? "Change phone number" : "Add phone number"}
          </button>
        </div>
        {done ? (
          <p className="hint" role="status">
            {done}
          </p>
        ) : null}
      </div>
    );
  }

  if (step.at === "address") {
    const label = labels[step.kind];
    return (
      <form className="account-ids" onSubmit={(event) => sendCode(event, step.kind)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-address`}>{label.field}</label>
          <input
            id={`${id}-address`}
            type={label.type}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            autoComplete={label.autoComplete}
            placeholder={label.placeholder}
            maxLength={step.kind === "email" ? 254 : 32}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </div>
        {errorLine}
        <p className="hint">We send a code to the new {step.kind === "email" ? "address" : "number"}; it replaces the old one once you enter it.</p>
        <div className="button-row">
          <button type="submit" className="button button--primary button--small" disabled={busy}>
            {busy ? "Sending…" : "Send code"}
          </button>
          <button type="button" className="button button--ghost button--small" onClick={cancel}>
            Cancel
          </button>
        </div>
      </form>
    );
  }

  return (
    <form className="account-ids" onSubmit={(event) => confirm(event, step)} noValidate>
      <div className="field">
        <label htmlFor={`${id}-code`}>Code sent to {step.sentTo}</label>
        <input
          id={`${id}-code`}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={12}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      </div>
      {errorLine}
      <div className="button-row">
        <button type="submit" className="button button--primary button--small" disabled={busy}>
          {busy ? "Checking…" : "Confirm"}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={() => start(step.kind)}>
          Use another {step.kind === "email" ? "address" : "number"}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={cancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
