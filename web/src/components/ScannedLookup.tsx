import { useEffect, useState, type ReactNode } from "react";
import { errorMessage } from "../api/errorText.ts";
import { FormError } from "./FormError.tsx";

type Loaded<T> = { kind: "loading" } | { kind: "ready"; value: T } | { kind: "failed"; text: string };

/** Looks up what a scanned or opened token stands for (asking changes nothing); `set` replaces the answer after an action. */
export function useScannedLookup<T>(token: string, lookUp: (token: string) => Promise<T>): [Loaded<T>, (value: T) => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ kind: "loading" });
  useEffect(() => {
    let current = true;
    lookUp(token).then(
      (value) => current && setLoaded({ kind: "ready", value }),
      (error: unknown) => current && setLoaded({ kind: "failed", text: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [token, lookUp]);
  return [loaded, (value) => setLoaded({ kind: "ready", value })];
}

/** What a card shows while its lookup runs, or when it failed (with a way back, if any). */
export function LookupPending({
  loaded,
  loadingText,
  onClose,
  closeLabel,
}: {
  loaded: Loaded<unknown>;
  loadingText: string;
  onClose?: () => void;
  closeLabel?: string;
}): ReactNode {
  if (loaded.kind === "loading")
    return (
      <p className="person-card__loading" role="status">
        {loadingText}
      </p>
    );
  if (loaded.kind !== "failed") return null;
  return (
    <div className="person-card">
      <FormError message={loaded.text} />
      {onClose ? (
        <button type="button" className="button button--ghost" onClick={onClose}>
          {closeLabel}
        </button>
      ) : null}
    </div>
  );
}
