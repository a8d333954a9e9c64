import { useId, useRef, useState } from "react";
import { ModalDialog } from "./ModalDialog.tsx";
import { FormError } from "./FormError.tsx";

type Props = {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** For what cannot be taken back at all (deleting the account): the confirm button waits until this is typed. */
  typeToConfirm?: { label: string; expected: string };
  busy?: boolean;
  error?: string;
};

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Asks before something that cannot be undone, in the page instead of the browser's `confirm()`:
 * a modal dialog that keeps the focus inside. Cancel, Escape or a click beside it says no; the
 * focus then goes back to what opened it.
 */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onCancel, typeToConfirm, busy = false, error }: Props) {
  const id = useId();
  const [typed, setTyped] = useState("");
  const ready = !busy && (!typeToConfirm || same(typed, typeToConfirm.expected));
  // The safe answer has the focus, so Enter right away does no harm.
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <ModalDialog className="confirm" labelledBy={`${id}-title`} describedBy={`${id}-body`} initialFocus={cancel} onDismiss={onCancel}>
      <div className="confirm__box">
        <h2 id={`${id}-title`} className="confirm__title">
          {title}
        </h2>
        <p id={`${id}-body`} className="confirm__body">
          {body}
        </p>
        {typeToConfirm ? (
          <div className="field confirm__field">
            <label htmlFor={`${id}-typed`}>{typeToConfirm.label}</label>
            <input id={`${id}-typed`} value={typed} onChange={(event) => setTyped(event.currentTarget.value)} autoComplete="off" spellCheck={false} />
          </div>
        ) : null}
        <FormError message={error} />
        <div className="confirm__actions">
          <button ref={cancel} type="button" className="button button--ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button button--danger" disabled={!ready} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
