import { useAtomValue } from "jotai";
import { useState } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { LookupPending, useScannedLookup } from "../../components/ScannedLookup.tsx";
import { chatPath } from "../../paths.ts";
import { chatSyncAtom } from "../chat/state.ts";
import { forgetJoinToken } from "./inviteLink.ts";
import { groups } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

const lookUp = (token: string) => groups.preview(token);

/**
 * A scanned or opened group invite (render it with `key={token}`): what group it is (asking joins
 * nothing), then Join, or Request to join when admins approve; joined, the chat opens.
 */
export function InvitePreviewCard({ token, onClose, closeLabel }: { token: string; onClose: () => void; closeLabel: string }) {
  const navigate = useNavigate();
  const sync = useAtomValue(chatSyncAtom);
  const [loaded, setPreview] = useScannedLookup(token, lookUp);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  if (loaded.kind !== "ready") return <LookupPending loaded={loaded} loadingText="Looking up this group…" onClose={onClose} closeLabel={closeLabel} />;

  const preview = loaded.value;
  const open = async (chatId: string) => {
    await sync?.ensureChat(chatId).catch(() => undefined);
    forgetJoinToken();
    void navigate(chatPath(chatId), { replace: true });
  };
  const join = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await groups.join(token);
      if (result.status === "joined") return await open(result.chatId);
      setPreview({ ...preview, status: "requested" });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="person-card group-preview" data-testid="group-preview">
      <Avatar user={{ name: preview.name, username: null, avatar: preview.avatar }} size={96} />
      <h2 className="person-card__name">{preview.name}</h2>
      <p className="person-card__username">
        Group · {preview.memberCount} {preview.memberCount === 1 ? "member" : "members"}
      </p>
      {preview.description ? <p className="person-card__bio">{preview.description}</p> : null}
      {preview.status === "member" ? (
        <p className="person-card__status">You are in this group.</p>
      ) : preview.status === "requested" ? (
        <p className="person-card__status" role="status" data-testid="join-waiting">
          Waiting for an admin to approve your request. The group appears in your chats once they do.
        </p>
      ) : preview.needsApproval ? (
        <p className="person-card__status">An admin approves each new member.</p>
      ) : null}
      <FormError message={error} />
      <div className="button-row button-row--center">
        {preview.status === "member" ? (
          <button type="button" className="button button--primary" onClick={() => void open(preview.chatId)}>
            Open the chat
          </button>
        ) : preview.status === "none" ? (
          <button type="button" className="button button--primary" disabled={busy} onClick={() => void join()}>
            {preview.needsApproval ? "Request to join" : "Join group"}
          </button>
        ) : null}
        <button type="button" className="button button--ghost" onClick={onClose}>
          {closeLabel}
        </button>
      </div>
    </div>
  );
}
