import type { ReactNode } from "react";
import { Link, useNavigate } from "react-router";

/** Whether this tab came to the current page from another page of the app (React Router numbers its history entries). */
export function hasInAppHistory(state: unknown = window.history.state): boolean {
  const idx = (state as { idx?: unknown } | null)?.idx;
  return typeof idx === "number" && idx > 0;
}

/**
 * The in-app back arrow: goes back in history when the app brought the user here (like the
 * browser's back button, so back and forth do not pile up entries), else to the parent screen.
 */
/** Leaves the page as the back arrow does. */
export function useGoBack(parent: string): () => void {
  const navigate = useNavigate();
  return () => void (hasInAppHistory() ? navigate(-1) : navigate(parent));
}

export function BackLink({ parent, className, label, children }: { parent: string; className: string; label: string; children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <Link
      to={parent}
      className={className}
      aria-label={label}
      title={label}
      onClick={(event) => {
        if (!hasInAppHistory() || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        void navigate(-1);
      }}
    >
      {children}
    </Link>
  );
}
