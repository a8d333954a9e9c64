import { useId, useRef, type ReactNode } from "react";
import { Avatar } from "./Avatar.tsx";
import { ModalDialog } from "./ModalDialog.tsx";

type Props = {
  /** "Contact info", "Group info". */
  heading: string;
  /** Whom the sheet shows: the photo and the name under it, labelling the sheet. */
  subject: Parameters<typeof Avatar>[0]["user"];
  name: string;
  /** What stands under the name ("@ada", "Group · 3 members"). */
  subtitle?: ReactNode;
  /** `${idBase}-name` labels the sheet. */
  idBase: string;
  onClose: () => void;
  /** False while a confirmation above the sheet has the focus (Escape closes that one only). */
  dismissable: boolean;
  testId: string;
  children: ReactNode;
};

/** A side sheet about a person or a group: a header with Close, the photo, the name; the rest is the caller's. */
export function InfoSheet({ heading, subject, name, subtitle, idBase, onClose, dismissable, testId, children }: Props) {
  const close = useRef<HTMLButtonElement>(null);
  return (
    <ModalDialog className="info-sheet" labelledBy={`${idBase}-name`} initialFocus={close} onDismiss={() => dismissable && onClose()} testId={testId}>
      <div className="info-sheet__box">
        <header className="info-sheet__header">
          <span className="info-sheet__heading">{heading}</span>
          <button ref={close} type="button" className="icon-button" aria-label={`Close ${heading.toLowerCase()}`} onClick={onClose}>
            ✕
          </button>
        </header>
        <div className="profile-card">
          <Avatar user={subject} size={120} />
          <h2 id={`${idBase}-name`} className="profile-card__name">
            {name}
          </h2>
          {subtitle ? <p className="profile-card__username">{subtitle}</p> : null}
        </div>
        {children}
      </div>
    </ModalDialog>
  );
}

/** One titled part of an info sheet ("About", "Members"); its heading names it for screen readers. */
export function InfoSection({ title, className, testId, children }: { title: ReactNode; className?: string; testId?: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className={className ? `info-sheet__section ${className}` : "info-sheet__section"} aria-labelledby={id} data-testid={testId}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}
