import { isMuted, type Chat } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { Avatar } from "../../components/Avatar.tsx";
import { arrowKeys } from "../../components/rovingFocus.ts";
import { ArchiveIcon, MutedIcon, PinIcon } from "../../components/icons.tsx";
import { useNow } from "../../components/useNow.ts";
import { contactsAtom, presenceFreshAtom } from "../contacts/state.ts";
import { chatPath } from "../../paths.ts";
import { userAtom } from "../session/state.ts";
import { archiveSummary, chatList, type Folder } from "./chatFolders.ts";
import { ChatRowMenu } from "./ChatRowMenu.tsx";
import { displayName, listTime, previewText } from "./messageText.ts";
import { chatsAtom, chatSyncAtom, outboxAtom } from "./state.ts";
import { myWrittenTimes } from "./writtenTimes.ts";
import { chatCard } from "./chatKinds.ts";
import { typistsIn } from "./chatState.ts";
import { groupPreview, typingText } from "../groups/groupText.ts";
import { peopleNames } from "../groups/names.ts";
import { knownPeopleAtom, useGroupInfo } from "../groups/state.ts";
import type { Connection } from "@easyqr/protocol";

function ChatRow({
  chat,
  me,
  active,
  typists,
  online,
  pending,
  connections,
  now,
}: {
  chat: Chat;
  me: string;
  active: boolean;
  typists: string[];
  online: boolean;
  pending: string | undefined;
  connections: readonly Connection[];
  now: number;
}) {
  const name = displayName(chatCard(chat));
  const info = useGroupInfo(chat);
  const seen = useAtomValue(knownPeopleAtom);
  const last = chat.lastMessage;
  // The server names the last sender (a member this device may know nothing else of); the line itself names who did it.
  const lastSender = chat.kind === "group" && last && chat.lastSenderName ? [{ id: last.senderId, name: chat.lastSenderName }] : [];
  const names = peopleNames(me, info, connections, last ? [last] : [], seen, lastSender);
  const typing = typists.length > 0;
  const preview = typing
    ? chat.kind === "group"
      ? typingText(typists, names)
      : "typing…"
    : pending !== undefined
      ? `You: ${pending}`
      : last
        ? chat.kind === "group"
          ? groupPreview(last, previewText(last, me), names, me)
          : previewText(last, me)
        : "No messages yet";
  const { settings } = chat;
  const muted = isMuted(settings, now);
  const pinned = settings.pinnedAt !== null && settings.archivedAt === null;
  return (
    <li className="chat-row-item">
      <Link
        to={chatPath(chat.id)}
        className={`chat-row${active ? " chat-row--active" : ""}`}
        aria-current={active ? "page" : undefined}
        data-testid="chat-row"
        data-kind={chat.kind}
        data-unread={chat.unread}
        data-pinned={pinned}
        data-muted={muted}
        data-marked-unread={settings.markedUnread}
      >
        <span className="contact-row__avatar">
          <Avatar user={chatCard(chat)} size={48} />
          {online ? <span className="presence-dot" aria-hidden="true" /> : null}
        </span>
        <span className="chat-row__text">
          <span className="chat-row__top">
            <span className="chat-row__name">
              {name}
              {online ? <span className="visually-hidden">, online</span> : null}
            </span>
            {chat.lastMessage ? <span className="chat-row__time">{listTime(chat.lastMessage.createdAt, now)}</span> : null}
          </span>
          <span className="chat-row__bottom">
            <span className={`chat-row__preview${typing ? " chat-row__preview--typing" : ""}`} data-testid="chat-preview">
              {preview}
            </span>
            {muted ? (
              <span className="chat-row__icon" data-testid="muted-icon" title="Muted">
                <MutedIcon />
                <span className="visually-hidden">, muted</span>
              </span>
            ) : null}
            {pinned ? (
              <span className="chat-row__icon" data-testid="pinned-icon" title="Pinned">
                <PinIcon />
                <span className="visually-hidden">, pinned</span>
              </span>
            ) : null}
            {chat.unread ? (
              <span className={`badge${muted ? " badge--muted" : ""}`} data-testid="unread-badge">
                {chat.unread}
                <span className="visually-hidden"> unread</span>
              </span>
            ) : settings.markedUnread ? (
              <span className={`badge badge--dot${muted ? " badge--muted" : ""}`} data-testid="unread-dot">
                <span className="visually-hidden">marked unread</span>
              </span>
            ) : null}
          </span>
        </span>
      </Link>
      <ChatRowMenu chat={chat} name={name} now={now} />
    </li>
  );
}

/** The end of a list with more pages: loads the next when it comes near the view (again after each page, while it stays there). */
function MoreChats({ cursor }: { cursor: number }) {
  const chats = useAtomValue(chatSyncAtom);
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    const element = end.current;
    if (!element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void chats?.loadMoreChats().catch(() => undefined);
      },
      { rootMargin: "300px 0px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [chats, cursor]);
  return (
    <li ref={end} className="chat-list__more" role="status" data-testid="chat-list-more">
      Loading more chats…
    </li>
  );
}

/** The list's first row when chats are archived (as WhatsApp): opens the archive. */
function ArchivedEntry({ chats, unread, onOpen }: { chats: number; unread: number; onOpen: () => void }) {
  return (
    <li>
      <button type="button" className="chat-row chat-row--archive" onClick={onOpen} data-testid="archived-entry">
        <span className="chat-row__archive-icon">
          <ArchiveIcon />
        </span>
        <span className="chat-row__name">Archived</span>
        <span className="chat-row__time">{chats}</span>
        {unread > 0 ? (
          <span className="badge badge--muted">
            {unread}
            <span className="visually-hidden"> with unread messages</span>
          </span>
        ) : null}
      </button>
    </li>
  );
}

/** The sidebar's chats, pinned first then latest activity, live: previews, unread badges, presence, typing; archived chats behind "Archived". */
export function ChatList({ activeId }: { activeId: string | undefined }) {
  const state = useAtomValue(chatsAtom);
  const [chosen, setFolder] = useState<Folder>("chats");
  const outbox = useAtomValue(outboxAtom);
  const contacts = useAtomValue(contactsAtom);
  const fresh = useAtomValue(presenceFreshAtom);
  const me = useAtomValue(userAtom)?.id ?? "";
  const now = useNow(1_000);
  // The list is on screen whenever the app is: it notes when each queued message was written.
  useEffect(() => myWrittenTimes.remember(outbox), [outbox]);
  if (!state) return null;
  const archive = archiveSummary(state, now);
  // When the last archived chat leaves the archive, the list shows again.
  const folder: Folder = archive.chats === 0 ? "chats" : chosen;
  const list = chatList(state, folder);
  if (list.length === 0 && archive.chats === 0) return null;
  const online = new Set(fresh ? contacts?.connections.filter((c) => c.presence.online).map((c) => c.user.id) : []);
  const lastPending = new Map(outbox.map((item) => [item.chatId, item.text || "Photo"]));
  return (
    <section className="contacts" aria-labelledby="chatlist-title">
      {folder === "archived" ? (
        <div className="chat-list__folder">
          <button type="button" className="button button--ghost button--small" onClick={() => setFolder("chats")} data-testid="archived-back">
            ← Chats
          </button>
          <h2 id="chatlist-title">Archived</h2>
        </div>
      ) : (
        <h2 id="chatlist-title" className="visually-hidden">
          Conversations
        </h2>
      )}
      <ul className="contacts__list" data-testid={folder === "archived" ? "archived-list" : "chat-list"} onKeyDown={arrowKeys("vertical", "a.chat-row")}>
        {folder === "chats" && archive.chats > 0 ? <ArchivedEntry chats={archive.chats} unread={archive.unread} onOpen={() => setFolder("archived")} /> : null}
        {list.map((chat) => (
          <ChatRow
            key={chat.id}
            chat={chat}
            me={me}
            active={chat.id === activeId}
            typists={typistsIn(state, chat.id, now)}
            online={chat.kind === "direct" && online.has(chat.peer.id)}
            pending={lastPending.get(chat.id)}
            connections={contacts?.connections ?? []}
            now={now}
          />
        ))}
        {state.moreChats !== null && folder === "chats" ? <MoreChats cursor={state.moreChats} /> : null}
      </ul>
    </section>
  );
}
