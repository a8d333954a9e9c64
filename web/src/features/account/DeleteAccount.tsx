import type { Me } from "@easyqr/protocol";
import { useSetAtom } from "jotai";
import { useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { accounts, deletingAccountAtom, pendingSignInAtom, sessionAtom } from "../session/state.ts";

/**
 * Settings → Account: delete the account. As WhatsApp asks for the phone number, the dialog asks
 * to type the account's email (or phone) first. Afterwards this device is signed out and shows
 * the start page; the server signs out every other device at once (their sockets close).
 */
export function DeleteAccount({ user }: { user: Me }) {
  const setSession = useSetAtom(sessionAtom);
  const setPending = useSetAtom(pendingSignInAtom);
  const setDeleting = useSetAtom(deletingAccountAtom);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const identifier = user.email ?? user.phone ?? "";

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    setDeleting(true);
    try {
      await accounts.deleteAccount();
      setPending(null);
      setSession({ status: "signedOut", notice: "Your account was deleted. Thank you for using EasyQR.", deleted: true });
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    } finally {
      setDeleting(false);
    }
  };

  return (
    <>
      <button type="button" className="button button--danger" onClick={() => setAsking(true)}>
        Delete my account
      </button>
      {asking ? (
        <ConfirmDialog
          title="Delete your account?"
          body="Your profile, photo, chats and messages are deleted for good, every device is signed out, and your contacts see a deleted account. This cannot be undone."
          confirmLabel={busy ? "Deleting…" : "Delete account"}
          typeToConfirm={{ label: `Type ${user.email ? "your email address" : "your phone number"} (${identifier}) to confirm`, expected: identifier }}
          busy={busy}
          error={error}
          onConfirm={() => void remove()}
          onCancel={() => {
            setAsking(false);
            setError(undefined);
          }}
        />
      ) : null}
    </>
  );
}
