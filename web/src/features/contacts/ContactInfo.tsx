import type { PublicUser } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useEffect, useId, useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { InfoSection, InfoSheet } from "../../components/InfoSheet.tsx";
import { AttachmentView } from "../chat/AttachmentView.tsx";
import { chatWith, sharedPhotos } from "../chat/sharedPhotos.ts";
import { chatsAtom, chatSyncAtom } from "../chat/state.ts";
import { ContactConfirm, type ContactChange } from "./ContactConfirm.tsx";
import { contacts, contactsAtom } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

const who = (user: { name: string | null; username: string | null }) => user.name ?? user.username ?? "Someone";

/**
 * A contact's profile in a side sheet: photo, name, username, bio (the server sends it only as its
 * owner's privacy setting allows), the photos of the chat, and Remove / Block, each asked first.
 */
export function ContactInfo({ user, onClose, onMessage }: { user: PublicUser; onClose: () => void; onMessage?: () => void }) {
  const id = useId();
  const lists = useAtomValue(contactsAtom);
  const state = useAtomValue(chatsAtom);
  const sync = useAtomValue(chatSyncAtom);
  const [confirming, setConfirming] = useState<ContactChange>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // The live profile when they are a connection (a new photo or bio shows at once).
  const current = lists?.connections.find((c) => c.user.id === user.id)?.user ?? user;
  const connected = lists?.connections.some((c) => c.user.id === user.id) ?? false;
  const name = who(current);
  const chatId = chatWith(state, user.id);
  const history = chatId ? state?.windows[chatId] : undefined;
  const photos = history ? sharedPhotos(history.messages) : [];

  useEffect(() => {
    if (chatId && !history) sync?.load(chatId, "newest").catch(() => undefined);
  }, [sync, chatId, history]);

  const change = async (kind: ContactChange) => {
    setConfirming(undefined);
    setBusy(true);
    setError(undefined);
    try {
      await (kind === "block" ? contacts.block(user.id) : contacts.remove(user.id));
      onClose();
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <>
      <InfoSheet
        heading="Contact info"
        subject={current}
        name={name}
        subtitle={current.username ? `@${current.username}` : undefined}
        idBase={id}
        onClose={onClose}
        dismissable={!confirming}
        testId="contact-info"
      >
        {current.bio ? (
          <InfoSection title="About">
            <p className="profile-card__bio">{current.bio}</p>
          </InfoSection>
        ) : null}
        {chatId ? (
          <InfoSection title="Shared photos">
            {photos.length ? (
              <div className="photo-grid" data-testid="shared-photos">
                {photos.map((photo) => (
                  <AttachmentView key={photo.id} attachment={photo} />
                ))}
              </div>
            ) : (
              <p className="info-sheet__muted">{history ? "No photos yet." : "Loading…"}</p>
            )}
          </InfoSection>
        ) : null}
        <FormError message={error} />
        <div className="info-sheet__actions">
          {onMessage ? (
            <button type="button" className="button button--primary" onClick={onMessage}>
              Message
            </button>
          ) : null}
          {connected ? (
            <>
              <button type="button" className="button button--ghost" disabled={busy} onClick={() => setConfirming("remove")}>
                Remove contact
              </button>
              <button type="button" className="button button--danger" disabled={busy} onClick={() => setConfirming("block")}>
                Block {name}
              </button>
            </>
          ) : null}
        </div>
      </InfoSheet>
      {confirming ? (
        <ContactConfirm change={confirming} name={name} onCancel={() => setConfirming(undefined)} onConfirm={() => void change(confirming)} />
      ) : null}
    </>
  );
}
