import type { Chat } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { Avatar } from "../../components/Avatar.tsx";
import { arrowKeys } from "../../components/rovingFocus.ts";
import { useNow } from "../../components/useNow.ts";
import { contactsAtom, presenceFreshAtom } from "../contacts/state.ts";
import { chatPath } from "../../paths.ts";
import { userAtom } from "../session/state.ts";
import { displayName, listTime, previewText } from "./messageText.ts";
import { chatListAtom, chatsAtom, chatSyncAtom, outboxAtom } from "./state.ts";
import { myWrittenTimes } from "./writtenTimes.ts";

function ChatRow({
  chat,
  me,
  active,
  typing,
  online,
  pending,
  now,
}: {
  chat: Chat;
  me: string;
  active: boolean;
  typing: boolean;
  online: boolean;
  pending: string | undefined;
  now: number;
}) {
  const name = displayName(chat.peer);
  const preview = typing ? "typing…" : pending !== undefined ? `You: ${pending}` : chat.lastMessage ? previewText(chat.lastMessage, me) : "No messages yet";
  return (
    <li>
      <Link
        to={chatPath(chat.id)}
        className={`chat-row${active ? " chat-row--active" : ""}`}
        aria-current={active ? "page" : undefined}
        data-testid="chat-row"
        data-unread={chat.unread}
      >
        <span className="contact-row__avatar">
          <Avatar user={chat.peer} size={48} />
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
            {chat.unread ? (
              <span className="badge" data-testid="unread-badge">
                {chat.unread}
                <span className="visually-hidden"> unread</span>
              </span>
            ) : null}
          </span>
        </span>
      </Link>
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

/** The sidebar's chats, latest activity first, live: previews, unread badges, presence, typing. */
export function ChatList({ activeId }: { activeId: string | undefined }) {
  const list = useAtomValue(chatListAtom);
  const state = useAtomValue(chatsAtom);
  const outbox = useAtomValue(outboxAtom);
  const contacts = useAtomValue(contactsAtom);
  const fresh = useAtomValue(presenceFreshAtom);
  const me = useAtomValue(userAtom)?.id ?? "";
  const now = useNow(1_000);
  // The list is on screen whenever the app is: it notes when each queued message was written.
  useEffect(() => myWrittenTimes.remember(outbox), [outbox]);
  if (!list || !state) return null;
  if (list.length === 0) return null;
  const online = new Set(fresh ? contacts?.connections.filter((c) => c.presence.online).map((c) => c.user.id) : []);
  const lastPending = new Map(outbox.map((item) => [item.chatId, item.text || "Photo"]));
  return (
    <section className="contacts" aria-labelledby="chatlist-title">
      <h2 id="chatlist-title" className="visually-hidden">
        Conversations
      </h2>
      <ul className="contacts__list" data-testid="chat-list" onKeyDown={arrowKeys("vertical", "a.chat-row")}>
        {list.map((chat) => (
          <ChatRow
            key={chat.id}
            chat={chat}
            me={me}
            active={chat.id === activeId}
            typing={(state.typing[chat.id] ?? 0) > now}
            online={online.has(chat.peer.id)}
            pending={lastPending.get(chat.id)}
            now={now}
          />
        ))}
        {state.moreChats !== null ? <MoreChats cursor={state.moreChats} /> : null}
      </ul>
    </section>
  );
}
