import { LookupPending, useScannedLookup } from "../../components/ScannedLookup.tsx";
import { PersonCard } from "./PersonCard.tsx";
import { contacts } from "./state.ts";

const lookUp = (token: string) => contacts.preview(token);

/** A scanned (or opened) My QR (render it with `key={token}`): asks whose it is (which sends nothing), then shows them with "Send request". */
export function QrPreviewCard({ token, onClose, closeLabel = "Scan again" }: { token: string; onClose?: () => void; closeLabel?: string }) {
  const [loaded] = useScannedLookup(token, lookUp);
  if (loaded.kind !== "ready") return <LookupPending loaded={loaded} loadingText="Looking up this code…" onClose={onClose} closeLabel={closeLabel} />;
  return <PersonCard user={loaded.value.user} relation={loaded.value.relation} request={{ token }} onCancel={onClose} />;
}
