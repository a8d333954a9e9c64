import type { Attachment, Message } from "@easyqr/protocol";
import { useAtomValue, useSetAtom } from "jotai";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { BackLink } from "../../components/BackLink.tsx";
import { errorMessage } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { writeClipboard } from "../../components/CopyButton.tsx";
import { Toast } from "../../components/Toast.tsx";
import { BackIcon, DownIcon } from "../../components/icons.tsx";
import { useNow } from "../../components/useNow.ts";
import { useOnline } from "../../realtime/networkText.ts";
import { ContactInfo } from "../contacts/ContactInfo.tsx";
import { presenceText } from "../contacts/lastSeen.ts";
import { contactsAtom, presenceFreshAtom } from "../contacts/state.ts";
import { paths } from "../../paths.ts";
import { userAtom } from "../session/state.ts";
import { displayName } from "./messageText.ts";
import { isDeletedAccount } from "./chatState.ts";
import { Composer, type ComposerHandle } from "./Composer.tsx";
import { ForwardDialog } from "./ForwardDialog.tsx";
import type { BubbleActions } from "./MessageBubble.tsx";
import { MessageInfoDialog } from "./MessageInfoDialog.tsx";
import { MessageList, type MessageListHandle } from "./MessageList.tsx";
import { pendingIn } from "./outbox.ts";
import { chatsAtom, chatSyncAtom, openChatAtom, outboxAtom } from "./state.ts";
import { useFocused } from "./useFocused.ts";
import { canWrite, chatCard } from "./chatKinds.ts";
import { typistsIn } from "./chatState.ts";
import type { SenderOf } from "./MessageList.tsx";
import { GroupInfoPanel } from "../groups/GroupInfoPanel.tsx";
import { groupComposerLock, listNames, typingText } from "../groups/groupText.ts";
import { peopleNames } from "../groups/names.ts";
import { knownPeopleAtom, useGroupInfo } from "../groups/state.ts";
import { FormError } from "../../components/FormError.tsx";

/** One chat (mounted per chat: keyed by its id): header with presence, the virtualised history, and the composer. Marks what it shows as seen. */
export function ChatWindow({ chatId }: { chatId: string }) {
  const state = useAtomValue(chatsAtom);
  const outbox = useAtomValue(outboxAtom);
  const contacts = useAtomValue(contactsAtom);
  const fresh = useAtomValue(presenceFreshAtom);
  const networkOnline = useOnline();
  const me = useAtomValue(userAtom);
  const chats = useAtomValue(chatSyncAtom);
  const now = useNow(1_000);
  const focused = useFocused();
  const list = useRef<MessageListHandle>(null);
  const [replyTo, setReplyTo] = useState<Message>();
  const [editing, setEditing] = useState<Message>();
  const [deleting, setDeleting] = useState<Message>();
  const [infoOf, setInfoOf] = useState<Message>();
  const [forwarding, setForwarding] = useState<Message>();
  const [hiding, setHiding] = useState<Message>();
  const [toast, setToast] = useState<{ text: string; id: number }>();
  const [dragging, setDragging] = useState(false);
  const composer = useRef<ComposerHandle>(null);
  const say = useCallback((text: string) => setToast({ text, id: Date.now() }), []);
  const [highlighted, setHighlighted] = useState<number>();
  const [error, setError] = useState<string>();
  const [atBottom, setAtBottom] = useState(true);
  const [missing, setMissing] = useState(false);
  const [showingInfo, setShowingInfo] = useState(false);

  const chat = state?.chats[chatId];
  const history = state?.windows[chatId];
  const info = useGroupInfo(chat);
  const seen = useAtomValue(knownPeopleAtom);
  const known = state !== undefined;

  useEffect(() => {
    if (!known || chat) return;
    chats?.ensureChat(chatId).catch(() => setMissing(true));
  }, [chats, known, chat, chatId]);

  const hasWindow = history !== undefined;
  useEffect(() => {
    if (!chat || hasWindow) return;
    chats?.load(chatId, "newest").catch((failure: unknown) => setError(errorMessage(failure)));
  }, [chats, chat, hasWindow, chatId]);

  // Opening a chat ends its "mark as unread" (marking the open chat again keeps it until the next opening).
  const loaded = chat !== undefined;
  useEffect(() => {
    if (loaded) chats?.opened(chatId);
  }, [chats, loaded, chatId]);
  const setOpenChat = useSetAtom(openChatAtom);
  useEffect(() => {
    setOpenChat(chatId);
    return () => setOpenChat(undefined);
  }, [setOpenChat, chatId]);

  // Seen: this window has the focus and the newest message is on screen (not while reading back).
  const lastSeq = chat?.lastSeq ?? 0;
  const unread = chat?.unread ?? 0;
  useEffect(() => {
    if (focused && atBottom && lastSeq > 0) chats?.markSeen(chatId);
  }, [chats, focused, atBottom, lastSeq, unread, chatId]);

  const jumpTo = useCallback(
    async (seq: number) => {
      const sync = chats;
      if (!sync) return;
      // Older pages until the original is loaded (the window is contiguous, so it is then in it).
      for (let guard = 0; guard < 200; guard++) {
        const current = sync.window(chatId);
        const first = current?.messages[0]?.seq;
        if (!current || first === undefined || first <= seq || !current.hasOlder) break;
        await sync.load(chatId, "older");
      }
      requestAnimationFrame(() => list.current?.scrollToSeq(seq));
      // Again once the rows just rendered have their real heights (the first scroll used estimates).
      setTimeout(() => list.current?.scrollToSeq(seq), 300);
      setHighlighted(seq);
      setTimeout(() => setHighlighted((h) => (h === seq ? undefined : h)), 2_000);
    },
    [chats, chatId],
  );

  // Opened from a search hit (`?at=<seq>`): scrolled to that message, highlighted; the address then drops it.
  const [params, setParams] = useSearchParams();
  const at = Number(params.get("at"));
  useEffect(() => {
    if (!hasWindow || !Number.isSafeInteger(at) || at <= 0) return;
    void jumpTo(at);
    setParams({}, { replace: true });
  }, [hasWindow, at, jumpTo, setParams]);

  const actions = useMemo<BubbleActions>(() => {
    const run = (action: Promise<void> | undefined) => void action?.catch((failure: unknown) => setError(errorMessage(failure)));
    return {
      reply: (m) => {
        setEditing(undefined);
        setReplyTo(m);
      },
      edit: (m) => {
        setReplyTo(undefined);
        setEditing(m);
      },
      remove: setDeleting,
      copy: (m) => void writeClipboard(m.text ?? "").then((ok) => say(ok ? "Copied" : "Could not copy")),
      forward: setForwarding,
      hide: setHiding,
      info: setInfoOf,
      react: (m, emoji) => run(chats?.react(m.id, emoji)),
      jumpTo: (seq) => void jumpTo(seq),
      retry: (id) => chats?.retry(id),
      cancel: (id) => chats?.cancel(id),
    };
  }, [chats, jumpTo, say]);

  if (missing)
    return (
      <p className="chatwindow__notice" role="alert">
        That chat is not available.
      </p>
    );
  if (!chat || !me)
    return (
      <p className="chatwindow__notice" role="status">
        Loading the chat…
      </p>
    );

  const peer = chatCard(chat);
  const name = displayName(peer);
  // Presence and typing are only as fresh as our socket: while it is away, say so instead.
  const away = !fresh;
  const connection = contacts?.connections.find((c) => c.user.id === peer.id);
  const online = !away && connection?.presence.online === true;
  const group = chat.kind === "group" ? chat : undefined;
  const connections = contacts?.connections ?? [];
  const names = group ? peopleNames(me.id, info, connections, history?.messages, seen) : (id: string) => (id === me.id ? "You" : name);
  const typists = away ? [] : typistsIn(state, chatId, now);
  const typing = typists.length > 0;
  const typingLine = group ? typingText(typists, names) : `${name} is typing…`;
  const status = away
    ? networkOnline
      ? "connecting…"
      : "waiting for network…"
    : typing
      ? group
        ? typingLine
        : "typing…"
      : group
        ? group.role === null
          ? "you are no longer a member"
          : memberLine(
              group.group.memberCount,
              info?.members.map((m) => names(m.user.id)),
            )
        : connection
          ? presenceText(connection.presence, now)
          : canWrite(chat)
            ? ""
            : isDeletedAccount(peer)
              ? "this account was deleted"
              : "not a contact any more";
  const mentionName = (id: string) => (id === me.id ? displayName(me) : names(id));
  const senderOf: SenderOf | undefined = group
    ? (id) => ({
        name: names(id),
        avatar: (info?.members.find((m) => m.user.id === id)?.user ?? connections.find((c) => c.user.id === id)?.user ?? seen[id])?.avatar ?? null,
      })
    : undefined;
  const mentionable = group && info ? info.members.filter((m) => m.user.id !== me.id).map((m) => ({ id: m.user.id, name: displayName(m.user) })) : undefined;
  const lock = groupComposerLock(chat);

  const send = (text: string, attachments: Attachment[], mentions: string[]) => {
    chats?.send(chatId, { text, replyTo, attachments, mentions });
    setReplyTo(undefined);
    requestAnimationFrame(() => list.current?.scrollToEnd());
  };

  return (
    <section
      className={`chat${dragging ? " chat--dropping" : ""}`}
      aria-label={`Chat with ${name}`}
      // Files dragged from the desktop onto the chat are attached, as in WhatsApp Web.
      onDragOver={(event) => {
        if (!canWrite(chat) || !event.dataTransfer.types.includes("Files")) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        if (!event.dataTransfer.types.includes("Files")) return;
        event.preventDefault();
        setDragging(false);
        composer.current?.attach(Array.from(event.dataTransfer.files));
      }}
    >
      <header className="chat__header">
        <BackLink parent={paths.home} className="icon-button chat__back" label="Back to chats">
          <BackIcon />
        </BackLink>
        <h2 className="visually-hidden">{name}</h2>
        <button
          type="button"
          className="chat__who"
          aria-label={`${group ? "Group" : "Contact"} info for ${name}`}
          aria-haspopup="dialog"
          onClick={() => setShowingInfo(true)}
        >
          <span className="contact-row__avatar">
            <Avatar user={peer} size={40} />
            {online ? <span className="presence-dot" aria-hidden="true" /> : null}
          </span>
          <span className="chat__title">
            <span className="chat__name">{name}</span>
            <span className={`chat__status${typing || online ? " chat__status--live" : ""}`} data-testid="chat-status" aria-live="polite">
              {status}
            </span>
          </span>
        </button>
      </header>
      {showingInfo && group ? (
        <GroupInfoPanel chat={group} onClose={() => setShowingInfo(false)} />
      ) : showingInfo ? (
        <ContactInfo user={connection?.user ?? peer} onClose={() => setShowingInfo(false)} />
      ) : null}
      <FormError message={error} className="chat__error" />
      {history ? (
        <MessageList
          ref={list}
          chat={chat}
          messages={history.messages}
          pending={pendingIn(outbox, chatId)}
          hasOlder={history.hasOlder}
          me={me.id}
          now={now}
          names={names}
          senderOf={senderOf}
          mentionName={mentionName}
          actions={actions}
          highlighted={highlighted}
          onStartReached={() => void chats?.load(chatId, "older")}
          onAtBottom={setAtBottom}
        />
      ) : (
        <p className="messages messages--loading" role="status">
          Loading messages…
        </p>
      )}
      {history && !atBottom ? (
        <div className="chat__to-newest-anchor">
          <button
            type="button"
            className="chat__to-newest"
            onClick={() => list.current?.scrollToEnd()}
            aria-label={unread > 0 ? `${unread} unread: go to the newest message` : "Go to the newest message"}
          >
            <DownIcon />
            {unread > 0 ? <span className="badge">{unread}</span> : null}
          </button>
        </div>
      ) : null}
      {typing ? (
        <p className="chat__typing" data-testid="typing">
          {typingLine}
        </p>
      ) : null}
      {lock ? (
        // A group one may not write in says why where the field would be.
        <p className="chat__locked" role="status" data-testid="composer-locked">
          {lock}
        </p>
      ) : (
        <Composer
          ref={composer}
          chatId={chatId}
          disabled={!canWrite(chat)}
          members={mentionable}
          replyTo={replyTo}
          editing={editing}
          names={names}
          onSend={send}
          onEdit={async (m, text) => {
            await chats?.edit(m.id, text);
            setEditing(undefined);
          }}
          onCancelReply={() => setReplyTo(undefined)}
          onCancelEdit={() => setEditing(undefined)}
          onTyping={(t) => chats?.typing(chatId, t)}
        />
      )}
      {deleting ? (
        <ConfirmDialog
          title="Delete this message for everyone?"
          body={`${group ? "Everyone in the group" : name} will see “This message was deleted” in its place.`}
          confirmLabel="Delete"
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => {
            setDeleting(undefined);
            void chats?.remove(deleting.id).catch((failure: unknown) => setError(errorMessage(failure)));
          }}
        />
      ) : null}
      {infoOf ? <MessageInfoDialog message={infoOf} chat={chat} names={names} onClose={() => setInfoOf(undefined)} /> : null}
      {forwarding ? (
        <ForwardDialog
          message={forwarding}
          onCancel={() => setForwarding(undefined)}
          onDone={(count) => {
            setForwarding(undefined);
            say(count > 1 ? `Forwarded to ${count} chats` : "Forwarded");
          }}
        />
      ) : null}
      {hiding ? (
        <ConfirmDialog
          title="Delete this message for you?"
          body={`It goes from all your devices. ${group ? "The others in the group still have it." : `${name} still has it.`}`}
          confirmLabel="Delete for me"
          onCancel={() => setHiding(undefined)}
          onConfirm={() => {
            setHiding(undefined);
            void chats?.hide(hiding.id).catch((failure: unknown) => setError(errorMessage(failure)));
          }}
        />
      ) : null}
      {dragging ? (
        <p className="chat__drop" aria-hidden="true">
          Drop files to attach them
        </p>
      ) : null}
      {toast ? <Toast text={toast.text} id={toast.id} onGone={() => setToast(undefined)} /> : null}
    </section>
  );
}

/** A group header's second line: who is in it ("Ada, Bob, You"), or how many once that is too long. */
function memberLine(count: number, memberNames: string[] | undefined): string {
  if (!memberNames || memberNames.length > 6) return `${count} members`;
  const others = memberNames.filter((n) => n !== "You");
  return listNames([...others, ...(others.length < memberNames.length ? ["You"] : [])]);
}
