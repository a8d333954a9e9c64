import { MAX_ADD_MEMBERS } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useId, useRef, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { errorMessage, errorText } from "../../api/errorText.ts";
import { ModalDialog } from "../../components/ModalDialog.tsx";
import { chatPath } from "../../paths.ts";
import { withChats } from "../chat/chatState.ts";
import { chatsAtom } from "../chat/state.ts";
import { contactsAtom } from "../contacts/state.ts";
import { avatarFileProblem } from "../profile/avatarFile.ts";
import { appStore } from "../session/state.ts";
import { PeoplePicker, toggled } from "./PeoplePicker.tsx";
import { groups } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

/**
 * "New group": tick connections, then name it (a photo and a description if wanted); Create makes
 * it with the person as its first admin and opens the chat.
 */
export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const id = useId();
  const contacts = useAtomValue(contactsAtom);
  const navigate = useNavigate();
  const filterBox = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [photo, setPhoto] = useState<File>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "") return setError("Give the group a name.");
    if (chosen.size > MAX_ADD_MEMBERS) return setError(`Pick at most ${MAX_ADD_MEMBERS} people now; add more from the group's info.`);
    setBusy(true);
    setError(undefined);
    try {
      const chat = await groups.create({ name: name.trim(), memberIds: [...chosen], ...(description.trim() ? { description: description.trim() } : {}) });
      let shown = chat;
      if (photo && chat.kind === "group") {
        // The group exists now: a photo the server refuses is said, not a reason to lose the group.
        const group = await groups.setPhoto(chat.id, photo).catch(() => undefined);
        if (group) shown = { ...chat, group };
      }
      const state = appStore.get(chatsAtom);
      if (state) appStore.set(chatsAtom, withChats(state, [shown]));
      onClose();
      void navigate(chatPath(chat.id));
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <ModalDialog className="confirm forward new-group" labelledBy={`${id}-title`} initialFocus={filterBox} onDismiss={onClose} testId="new-group">
      <form className="confirm__box forward__box" onSubmit={(e) => void create(e)} noValidate>
        <h2 id={`${id}-title`} className="confirm__title">
          New group
        </h2>
        <div className="field">
          <label htmlFor={`${id}-name`}>Group name</label>
          <input id={`${id}-name`} value={name} maxLength={100} onChange={(e) => setName(e.currentTarget.value)} placeholder="e.g. Climbing on Sunday" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>Description (optional)</label>
          <textarea id={`${id}-description`} value={description} maxLength={512} rows={2} onChange={(e) => setDescription(e.currentTarget.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-photo`}>Photo (optional)</label>
          <input
            id={`${id}-photo`}
            type="file"
            accept="image/jpeg,image/png,image/webp"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              const problem = file ? avatarFileProblem(file) : undefined;
              if (problem) {
                e.currentTarget.value = "";
                setError(errorText(problem));
                return;
              }
              setPhoto(file);
            }}
          />
        </div>
        <p className="new-group__count" aria-live="polite">
          {chosen.size === 0 ? "Pick the people to add:" : `${chosen.size} ${chosen.size === 1 ? "person" : "people"} picked`}
        </p>
        <PeoplePicker
          connections={contacts?.connections ?? []}
          chosen={chosen}
          onToggle={(userId) => setChosen((c) => toggled(c, userId))}
          label="Members"
          filterRef={filterBox}
        />
        <FormError message={error} />
        <div className="confirm__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? "Creating…" : "Create group"}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
