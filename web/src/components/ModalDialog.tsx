import type { ReactNode, RefObject } from "react";
import { useModalDialog } from "./useModalDialog.ts";

type Props = {
  className: string;
  labelledBy: string;
  describedBy?: string;
  /** Gets the focus when it opens (else the dialog itself). */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Escape, or a click beside the dialog's box. */
  onDismiss: () => void;
  testId?: string;
  children: ReactNode;
};

/** A <dialog> shown modal while mounted, the focus kept inside (useModalDialog); Escape or a click beside its box dismisses it. */
export function ModalDialog({ className, labelledBy, describedBy, initialFocus, onDismiss, testId, children }: Props) {
  const { dialog, keepFocusInside } = useModalDialog(initialFocus);
  return (
    <dialog
      ref={dialog}
      className={className}
      aria-modal="true"
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      data-testid={testId}
      onKeyDown={keepFocusInside}
      onCancel={(event) => {
        event.preventDefault();
        onDismiss();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget) onDismiss();
      }}
    >
      {children}
    </dialog>
  );
}
