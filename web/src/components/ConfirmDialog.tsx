import { useId, useRef } from "react";
import { useModalDialog } from "./useModalDialog.ts";

type Props = { title: string; body: string; confirmLabel: string; onConfirm: () => void; onCancel: () => void };

/**
 * Asks before something that cannot be undone, in the page instead of the browser's `confirm()`:
 * a modal dialog that keeps the focus inside. Cancel, Escape or a click beside it says no; the
 * focus then goes back to what opened it.
 */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onCancel }: Props) {
  const id = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  // The safe answer has the focus, so Enter right away does no harm.
  const { dialog, keepFocusInside } = useModalDialog(cancel);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-modal="true"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onKeyDown={keepFocusInside}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget) onCancel();
      }}
    >
      <div className="confirm__box">
        <h2 id={`${id}-title`} className="confirm__title">
          {title}
        </h2>
        <p id={`${id}-body`} className="confirm__body">
          {body}
        </p>
        <div className="confirm__actions">
          <button ref={cancel} type="button" className="button button--ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button button--danger" onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}
