import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";

type Props = { title: string; body: string; confirmLabel: string; onConfirm: () => void; onCancel: () => void };

/**
 * Asks before something that cannot be undone, in the page instead of the browser's `confirm()`:
 * a modal dialog that keeps the focus inside. Cancel, Escape or a click beside it says no; the
 * focus then goes back to what opened it.
 */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onCancel }: Props) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  // Read while rendering: by the time effects run, the opener may already be gone or blurred.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    // The safe answer has the focus, so Enter right away does no harm.
    cancel.current?.focus();
    return () => {
      element?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [opener]);

  // showModal makes the page behind inert, but Tab would still leave for the browser's own controls.
  const keepFocusInside = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== "Tab") return;
    const buttons = [...(dialog.current?.querySelectorAll<HTMLButtonElement>("button:not(:disabled)") ?? [])];
    const edge = event.shiftKey ? buttons[0] : buttons.at(-1);
    if (document.activeElement !== edge && dialog.current?.contains(document.activeElement)) return;
    event.preventDefault();
    (event.shiftKey ? buttons.at(-1) : buttons[0])?.focus();
  };

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
