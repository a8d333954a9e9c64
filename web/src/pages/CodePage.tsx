import { OTP_LENGTH } from "@easyqr/protocol";
import { useAtom, useSetAtom } from "jotai";
import { useId, useRef, useState, type ClipboardEvent, type FormEvent } from "react";
import { Link, Navigate } from "react-router";
import { errorMessage } from "../api/errorText.ts";
import { ApiError } from "../api/http.ts";
import { AuthCard } from "../components/AuthCard.tsx";
import { formatRemaining, useNow } from "../components/useNow.ts";
import { deviceInfo } from "../features/pairing/device.ts";
import { paths } from "../paths.ts";
import { accounts, pendingSignInAtom, sessionAtom } from "../features/session/state.ts";
import { codeDigits, identifierLabel } from "../features/signin/identifier.ts";
import { FormError } from "../components/FormError.tsx";

/** A new code can be asked for this long after the last one was sent. */
const RESEND_AFTER_MS = 30_000;

/** /sign-in/code: the 6 digits that were sent; typed or pasted, checked as soon as all six are in. */
export function CodePage() {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useAtom(pendingSignInAtom);
  const setSession = useSetAtom(sessionAtom);
  const [code, setCode] = useState("");
  const [error, setError] = useState<{ code?: string; text: string }>();
  const [info, setInfo] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Every check of a wrong code spends one of its tries: a code the server refused is not sent again
  // until it changes. The ref also stops a second submit in the same tick, before `busy` re-renders.
  const [refused, setRefused] = useState<string>();
  const checking = useRef(false);
  const now = useNow(1000);

  if (!pending) return <Navigate to={paths.signIn} replace />;
  const resendIn = pending.sentAt + RESEND_AFTER_MS - now;
  const locked = error?.code === "AUTH_CODE_LOCKED";

  const verify = async (digits: string) => {
    if (checking.current || digits === refused) return;
    if (digits.length !== OTP_LENGTH) return setError({ text: `Enter all ${OTP_LENGTH} digits of the code.` });
    checking.current = true;
    setBusy(true);
    setError(undefined);
    setInfo(undefined);
    try {
      const { user } = await accounts.verifyCode({ requestId: pending.requestId, code: digits, device: deviceInfo(navigator.userAgent) });
      // The public route now sends the user on: to onboarding, the page they came for, or /home.
      setSession({ status: "signedIn", user });
    } catch (failure) {
      const errorCode = failure instanceof ApiError ? failure.code : undefined;
      if (errorCode === "AUTH_CODE_INVALID") setRefused(digits);
      setError({ code: errorCode, text: errorMessage(failure) });
      checking.current = false;
      setBusy(false);
      requestAnimationFrame(() => input.current?.select());
    }
  };

  const enter = (digits: string) => {
    setCode(digits);
    if (digits.length === OTP_LENGTH) void verify(digits);
  };

  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    event.preventDefault();
    enter(codeDigits(event.clipboardData.getData("text")));
  };

  const resend = async () => {
    setBusy(true);
    setError(undefined);
    setInfo(undefined);
    try {
      const sent = await accounts.requestCode(pending.identifier);
      setPending({ ...pending, requestId: sent.requestId, expiresAt: sent.expiresAt, sentAt: Date.now() });
      setCode("");
      setRefused(undefined);
      setInfo("A new code is on its way.");
      input.current?.focus();
    } catch (failure) {
      setError({ code: failure instanceof ApiError ? failure.code : undefined, text: errorMessage(failure) });
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void verify(code);
  };

  return (
    <AuthCard
      title="Enter your code"
      lead={
        <>
          We sent a {OTP_LENGTH}-digit code to <strong className="auth__to">{identifierLabel(pending.identifier)}</strong>. It works for 10 minutes.
        </>
      }
    >
      <form className="auth__form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={id}>{OTP_LENGTH}-digit code</label>
          <input
            ref={input}
            id={id}
            className="otp"
            name="code"
            value={code}
            onChange={(e) => enter(codeDigits(e.currentTarget.value))}
            onPaste={onPaste}
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            placeholder="••••••"
            autoFocus
            disabled={locked}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          <FormError id={`${id}-error`} message={error?.text} />
          {info ? (
            <p className="field__status field__status--ok" role="status">
              {info}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button button--primary button--block" disabled={busy || locked || code === refused}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
      <div className="auth__actions">
        <button type="button" className="button button--link" onClick={() => void resend()} disabled={busy || resendIn > 0}>
          {resendIn > 0 ? `Send a new code in ${formatRemaining(resendIn)}` : "Send a new code"}
        </button>
        <Link to={paths.signIn} onClick={() => setPending(null)}>
          Use a different email or phone
        </Link>
      </div>
    </AuthCard>
  );
}
