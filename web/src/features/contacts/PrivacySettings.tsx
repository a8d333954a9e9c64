import type { BioVisibility, Me } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useId, useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { accounts } from "../session/state.ts";
import { contacts, contactsAtom } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

const bioChoices: { value: BioVisibility; label: string; hint: string }[] = [
  { value: "connections", label: "My connections", hint: "Anyone else sees your name, username and photo only." },
  { value: "everyone", label: "Everyone", hint: "Also people who scan your QR, find your username or ask to connect." },
];

/** Settings → Privacy: who can see my bio (connections, or everyone). Saved on choosing. */
export function BioVisibilitySetting({ user, onSaved }: { user: Me; onSaved: (user: Me) => void }) {
  const id = useId();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Shown at once, put back if the save fails (as the last-seen checkbox).
  const [choice, setChoice] = useState(user.bioVisibility);
  const [saved, setSaved] = useState<string>();
  const choose = async (next: BioVisibility) => {
    const previous = choice;
    setChoice(next);
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const updated = await accounts.updateProfile({ bioVisibility: next });
      onSaved(updated);
      setChoice(updated.bioVisibility);
      setSaved(updated.bioVisibility === "everyone" ? "Everyone can see your bio." : "Only your connections can see your bio.");
    } catch (failure) {
      setChoice(previous);
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset className="choice-field" disabled={busy}>
      <legend>Who can see my bio</legend>
      {bioChoices.map((option) => (
        <div key={option.value} className="toggle-field">
          <input
            id={`${id}-${option.value}`}
            type="radio"
            name={`${id}-bio-visibility`}
            value={option.value}
            checked={choice === option.value}
            onChange={() => void choose(option.value)}
            aria-describedby={`${id}-${option.value}-hint`}
          />
          <span>
            <label htmlFor={`${id}-${option.value}`}>{option.label}</label>
            <span id={`${id}-${option.value}-hint`} className="toggle-field__hint">
              {option.hint}
            </span>
          </span>
        </div>
      ))}
      <p className="field__status field__status--ok" role="status">
        {saved}
      </p>
      <FormError message={error} />
    </fieldset>
  );
}

/** Settings → Privacy: hide last seen. */
export function LastSeenSetting({ user, onSaved }: { user: Me; onSaved: (user: Me) => void }) {
  const id = useId();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Shown at once (a checkbox that lags its click reads as broken), put back if the save fails.
  const [hidden, setHidden] = useState(user.hideLastSeen);
  const [saved, setSaved] = useState<string>();
  const toggle = async (hide: boolean) => {
    setHidden(hide);
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const next = await accounts.updateProfile({ hideLastSeen: hide });
      onSaved(next);
      setHidden(next.hideLastSeen);
      setSaved(next.hideLastSeen ? "Last seen is hidden." : "Last seen is shown.");
    } catch (failure) {
      setHidden(!hide);
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="toggle-field">
      <input id={id} type="checkbox" checked={hidden} disabled={busy} onChange={(e) => void toggle(e.currentTarget.checked)} aria-describedby={`${id}-hint`} />
      <span>
        <label htmlFor={id}>Hide last seen</label>
        <span id={`${id}-hint`} className="toggle-field__hint">
          Your contacts will not see when you were last online, and you will not see theirs.
        </span>
      </span>
      <p className="field__status field__status--ok toggle-field__saved" role="status">
        {saved}
      </p>
      <FormError message={error} />
    </div>
  );
}

/** Settings → Blocked: who you blocked, with Unblock. */
export function BlockedList() {
  const lists = useAtomValue(contactsAtom);
  const [error, setError] = useState<string>();
  if (!lists) return <p role="status">Loading…</p>;
  if (!lists.blocked.length)
    return (
      <p className="settings__lead">
        You have not blocked anyone. You get no requests from people you block and they cannot see when you are online; they are not told.
      </p>
    );
  return (
    <>
      <ul className="contacts__list">
        {lists.blocked.map((user) => (
          <li key={user.id} className="contact-row" data-testid="blocked-row">
            <Avatar user={user} size={40} />
            <span className="contact-row__text">
              <span className="contact-row__name">{user.name ?? user.username}</span>
              {user.username ? <span className="contact-row__sub">@{user.username}</span> : null}
            </span>
            <button
              type="button"
              className="button button--ghost button--small"
              aria-label={`Unblock ${user.name ?? user.username ?? ""}`}
              onClick={() => void contacts.unblock(user.id).catch((failure: unknown) => setError(errorMessage(failure)))}
            >
              Unblock
            </button>
          </li>
        ))}
      </ul>
      <FormError message={error} />
    </>
  );
}
