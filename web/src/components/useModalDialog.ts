import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from "react";

const focusable = "button:not(:disabled), a[href], input:not(:disabled), textarea:not(:disabled), select:not(:disabled), [tabindex]:not([tabindex='-1'])";

/**
 * A <dialog> shown modal while mounted: the focus goes to `initial` (else the dialog), stays inside
 * on Tab and Shift+Tab, and goes back to what opened it when it closes.
 */
export function useModalDialog(initial?: RefObject<HTMLElement | null>): {
  dialog: RefObject<HTMLDialogElement | null>;
  keepFocusInside: (event: KeyboardEvent<HTMLDialogElement>) => void;
} {
  const dialog = useRef<HTMLDialogElement>(null);
  // Read while rendering: by the time effects run, the opener may already be gone or blurred.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    (initial?.current ?? element)?.focus();
    return () => {
      element?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [opener, initial]);

  // showModal makes the page behind inert, but Tab would still leave for the browser's own controls.
  const keepFocusInside = (event: KeyboardEvent<HTMLDialogElement>) => {
    const own = dialog.current;
    // A dialog opened from inside this one keeps its own focus.
    if (event.key !== "Tab" || !own || !(event.target instanceof Element) || event.target.closest("dialog") !== own) return;
    const items = [...own.querySelectorAll<HTMLElement>(focusable)].filter((el) => el.closest("dialog") === own);
    const edge = event.shiftKey ? items[0] : items.at(-1);
    if (document.activeElement !== edge && own.contains(document.activeElement) && document.activeElement !== own) return;
    event.preventDefault();
    (event.shiftKey ? items.at(-1) : items[0])?.focus();
  };
  return { dialog, keepFocusInside };
}
