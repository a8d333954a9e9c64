import type { Message } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useId, useRef, useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { ModalDialog } from "../../components/ModalDialog.tsx";
import { contactsAtom } from "../contacts/state.ts";
import { allChats } from "./chatFolders.ts";
import { forwardTargets, type ForwardTarget } from "./forwardTargets.ts";
import { quoteText } from "./messageText.ts";
import { replyPreview } from "./outbox.ts";
import { chatsAtom, chatSyncAtom } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

type Props = { message: Message; onDone: (count: number) => void; onCancel: () => void };

/** "Forward to…": a filter box and the person's connections to tick (one or more); Forward sends a copy to each. */
export function ForwardDialog({ message, onDone, onCancel }: Props) {
  const id = useId();
  const state = useAtomValue(chatsAtom);
  const contacts = useAtomValue(contactsAtom);
  const sync = useAtomValue(chatSyncAtom);
  const filterBox = useRef<HTMLInputElement>(null);
  const [filter, setFilter] = useState("");
  const [chosen, setChosen] = useState<ReadonlyMap<string, ForwardTarget>>(new Map());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const targets = forwardTargets(contacts?.connections ?? [], state ? allChats(state) : [], filter);

  const toggle = (target: ForwardTarget) =>
    setChosen((current) => {
      const next = new Map(current);
      if (next.has(target.userId)) next.delete(target.userId);
      else next.set(target.userId, target);
      return next;
    });

  const forward = async () => {
    if (!sync || chosen.size === 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const chatIds = await Promise.all([...chosen.values()].map(async (t) => t.chatId ?? (await sync.open(t.userId)).id));
      await sync.forward(message.id, chatIds);
      onDone(chatIds.length);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <ModalDialog className="confirm forward" labelledBy={`${id}-title`} initialFocus={filterBox} onDismiss={onCancel}>
      <div className="confirm__box forward__box">
        <h2 id={`${id}-title`} className="confirm__title">
          Forward message
        </h2>
        <p className="forward__quote">{quoteText(replyPreview(message))}</p>
        <input
          ref={filterBox}
          type="search"
          className="forward__filter"
          placeholder="Search contacts"
          aria-label="Search contacts"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <ul className="forward__list" aria-label="Forward to">
          {targets.map((t) => (
            <li key={t.userId}>
              <label className="forward__target">
                <input type="checkbox" checked={chosen.has(t.userId)} onChange={() => toggle(t)} />
                <Avatar user={t.user} size={32} />
                <span className="forward__name">{t.name}</span>
                {t.username ? <span className="forward__username">@{t.username}</span> : null}
              </label>
            </li>
          ))}
          {targets.length === 0 ? <li className="forward__none">{contacts ? "No contact matches." : "Loading contacts…"}</li> : null}
        </ul>
        <FormError message={error} />
        <div className="confirm__actions">
          <button type="button" className="button button--ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button button--primary" disabled={chosen.size === 0 || busy} onClick={() => void forward()}>
            {chosen.size > 1 ? `Forward to ${chosen.size}` : "Forward"}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
