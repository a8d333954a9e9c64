import type { QrPreview } from "@easyqr/protocol";
import { useEffect, useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { PersonCard } from "./PersonCard.tsx";
import { contacts } from "./state.ts";

type Loaded = { kind: "loading" } | { kind: "ready"; preview: QrPreview } | { kind: "failed"; text: string };

/** A scanned (or opened) My QR (render it with `key={token}`): asks whose it is (which sends nothing), then shows them with "Send request". */
export function QrPreviewCard({ token, onClose, closeLabel = "Scan again" }: { token: string; onClose?: () => void; closeLabel?: string }) {
  const [loaded, setLoaded] = useState<Loaded>({ kind: "loading" });

  useEffect(() => {
    let current = true;
    contacts.preview(token).then(
      (preview) => current && setLoaded({ kind: "ready", preview }),
      (error: unknown) => current && setLoaded({ kind: "failed", text: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [token]);

  if (loaded.kind === "loading")
    return (
      <p className="person-card__loading" role="status">
        Looking up this code…
      </p>
    );
  if (loaded.kind === "failed") {
    return (
      <div className="person-card">
        <p className="form-error" role="alert">
          {loaded.text}
        </p>
        {onClose ? (
          <button type="button" className="button button--ghost" onClick={onClose}>
            {closeLabel}
          </button>
        ) : null}
      </div>
    );
  }
  return <PersonCard user={loaded.preview.user} relation={loaded.preview.relation} request={{ token }} onCancel={onClose} />;
}
