import type { Connection, ContactRequest } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useId, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { arrowKeys, useFocusFirst } from "../../components/rovingFocus.ts";
import { useDismiss } from "../../components/useDismiss.ts";
import { useNow } from "../../components/useNow.ts";
import { chatsAtom, chatSyncAtom } from "../chat/state.ts";
import { contactsWithoutChat } from "./homeLists.ts";
import { chatPath } from "../../paths.ts";
import { ContactConfirm, type ContactChange } from "./ContactConfirm.tsx";
import { ContactInfo } from "./ContactInfo.tsx";
import { presenceText } from "./lastSeen.ts";
import { liveAtom } from "../../realtime/state.ts";
import { contacts, contactsAtom, presenceFreshAtom } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

/** Runs one contact action, keeping its error in words; the socket events update the lists. */
function useAction() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run: (action: () => Promise<unknown>) => void run(action) };
}

const who = (user: { name: string | null; username: string | null }) => user.name ?? user.username ?? "Someone";

export function RequestRow({ request }: { request: ContactRequest }) {
  const { error, busy, run } = useAction();
  const name = who(request.user);
  return (
    <li className="contact-row" data-testid="request-row">
      <Avatar user={request.user} size={44} />
      <span className="contact-row__text">
        <span className="contact-row__name">{name}</span>
        <span className="contact-row__sub">
          {request.direction === "incoming" ? `@${request.user.username ?? ""} wants to connect` : "Waiting for an answer"}
        </span>
        <FormError message={error} inline />
      </span>
      <span className="contact-row__actions">
        {request.direction === "incoming" ? (
          <>
            <button
              type="button"
              className="button button--primary button--small"
              disabled={busy}
              onClick={() => run(() => contacts.accept(request.id))}
              aria-label={`Accept ${name}`}
            >
              Accept
            </button>
            <button
              type="button"
              className="button button--ghost button--small"
              disabled={busy}
              onClick={() => run(() => contacts.decline(request.id))}
              aria-label={`Decline ${name}`}
            >
              Decline
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button button--ghost button--small"
            disabled={busy}
            onClick={() => run(() => contacts.cancel(request.id))}
            aria-label={`Cancel the request to ${name}`}
          >
            Cancel
          </button>
        )}
      </span>
    </li>
  );
}

function ConnectionRow({ connection, now }: { connection: Connection; now: number }) {
  const { error, busy, run } = useAction();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState<ContactChange>();
  const [showingInfo, setShowingInfo] = useState(false);
  const menuId = useId();
  const more = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLSpanElement>(null);
  useDismiss(open && !confirming, more, menu, () => setOpen(false));
  useFocusFirst(open, menu);
  const navigate = useNavigate();
  const name = who(connection.user);
  const chats = useAtomValue(chatSyncAtom);
  const message = async () => {
    const sync = chats;
    if (!sync) return;
    const chat = await sync.open(connection.user.id);
    await navigate(chatPath(chat.id));
  };
  const fresh = useAtomValue(presenceFreshAtom);
  const online = fresh && connection.presence.online;
  return (
    <li className="contact-row" data-testid="connection-row" data-online={online}>
      <button type="button" className="contact-row__avatar contact-row__info" aria-label={`Contact info for ${name}`} onClick={() => setShowingInfo(true)}>
        <Avatar user={connection.user} size={44} />
        {online ? <span className="presence-dot" aria-hidden="true" /> : null}
      </button>
      <span className="contact-row__text">
        <span className="contact-row__name">{name}</span>
        <span className={`contact-row__sub${online ? " contact-row__sub--online" : ""}`} data-testid="presence">
          {fresh || !connection.presence.online ? presenceText(connection.presence, now) : ""}
        </span>
        <FormError message={error} inline />
      </span>
      <span className="contact-row__actions">
        <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => run(message)} aria-label={`Message ${name}`}>
          Message
        </button>
        <button
          ref={more}
          type="button"
          className="button button--ghost button--small"
          aria-expanded={open}
          aria-controls={menuId}
          aria-label={`More for ${name}`}
          onClick={() => setOpen((o) => !o)}
        >
          ⋯
        </button>
      </span>
      {open ? (
        <span ref={menu} className="contact-row__menu" id={menuId} role="group" aria-label={`Actions for ${name}`} onKeyDown={arrowKeys("both", "button")}>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => {
              setOpen(false);
              setShowingInfo(true);
            }}
          >
            Contact info
          </button>
          <button type="button" className="button button--ghost button--small" disabled={busy} onClick={() => setConfirming("remove")}>
            Remove {name}
          </button>
          <button type="button" className="button button--danger button--small" disabled={busy} onClick={() => setConfirming("block")}>
            Block {name}
          </button>
        </span>
      ) : null}
      {confirming ? (
        <ContactConfirm
          change={confirming}
          name={name}
          onCancel={() => setConfirming(undefined)}
          onConfirm={() => {
            setConfirming(undefined);
            const userId = connection.user.id;
            run(() => (confirming === "block" ? contacts.block(userId) : contacts.remove(userId)));
          }}
        />
      ) : null}
      {showingInfo ? (
        <ContactInfo
          user={connection.user}
          onClose={() => setShowingInfo(false)}
          onMessage={() => {
            setShowingInfo(false);
            run(message);
          }}
        />
      ) : null}
    </li>
  );
}

/** The sidebar's people: requests waiting (with a badge) and connections with their presence, all live. */
export function ContactsPanel() {
  const lists = useAtomValue(contactsAtom);
  const chats = useAtomValue(chatsAtom);
  const live = useAtomValue(liveAtom);
  // "last seen 1 minute ago" moves on even when no event arrives.
  const now = useNow(15_000);

  if (!lists) {
    return (
      <p className="contacts__loading" role="status">
        {live === "retrying" ? "Reconnecting…" : "Loading your contacts…"}
      </p>
    );
  }
  const requests = [...lists.incoming, ...lists.outgoing];
  // Someone you have a chat with is listed once, under Chats (their info and ⋯ are in the chat's header).
  const withoutChat = contactsWithoutChat(lists.connections, chats);
  return (
    <>
      {requests.length ? (
        <section className="contacts" aria-labelledby="requests-title">
          <h2 id="requests-title" className="contacts__title">
            Requests{" "}
            {lists.incoming.length ? (
              <span className="badge" aria-label={`${lists.incoming.length} waiting`}>
                {lists.incoming.length}
              </span>
            ) : null}
          </h2>
          <ul className="contacts__list">
            {requests.map((r) => (
              <RequestRow key={r.id} request={r} />
            ))}
          </ul>
        </section>
      ) : null}
      {withoutChat.length || !lists.connections.length ? (
        <section className="contacts" aria-labelledby="contacts-title">
          <h2 id="contacts-title" className="contacts__title">
            Contacts
          </h2>
          {withoutChat.length ? (
            <ul className="contacts__list">
              {withoutChat.map((c) => (
                <ConnectionRow key={c.user.id} connection={c} now={now} />
              ))}
            </ul>
          ) : (
            <div className="chatlist__empty">
              <p className="chatlist__empty-title">No contacts yet</p>
              <p>Show your QR code or scan someone's to add them.</p>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}
