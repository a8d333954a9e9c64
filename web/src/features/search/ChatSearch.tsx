import type { Connection, PublicUser, SearchHit } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "../../api/errorText.ts";
import { searchApi } from "../../api/search.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { useNow } from "../../components/useNow.ts";
import { chatPath } from "../../paths.ts";
import { authSession } from "../session/state.ts";
import { displayName, listTime } from "../chat/messageText.ts";
import { allChats } from "../chat/chatFolders.ts";
import { chatsAtom, chatSyncAtom } from "../chat/state.ts";
import { contactsWithoutChat } from "../contacts/homeLists.ts";
import { contactsAtom } from "../contacts/state.ts";
import { MessageSearch, type MessageResults } from "./messageSearch.ts";
import { nameMatches } from "./nameFilter.ts";
import { SnippetText } from "./SnippetText.tsx";
import { chatCard } from "../chat/chatKinds.ts";
import { FormError } from "../../components/FormError.tsx";

const search = searchApi(authSession);

type Item = { key: string; open: () => void };

/** The address that opens a chat scrolled to a message, highlighted. */
export const hitPath = (hit: Pick<SearchHit, "chatId" | "seq">) => `${chatPath(hit.chatId)}?at=${hit.seq}`;

/**
 * The search box at the top of the chat list. While it holds text, the list gives way to what
 * matches: chats and contacts by name (filtered here, at once), then messages from the server
 * (asked after a pause in typing). Arrow keys move through the results, Enter opens one, Escape
 * clears the box.
 */
export function ChatSearch({ children }: { children: ReactNode }) {
  const [text, setText] = useState("");
  const [results, setResults] = useState<MessageResults>({ status: "idle" });
  const [active, setActive] = useState(0);
  const searcher = useMemo(() => new MessageSearch((q, before, signal) => search.messages(q, before, signal), setResults), []);
  useEffect(() => () => searcher.cancel(), [searcher]);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);

  const state = useAtomValue(chatsAtom);
  const contacts = useAtomValue(contactsAtom);
  const sync = useAtomValue(chatSyncAtom);
  const navigate = useNavigate();
  const now = useNow(60_000);

  const query = text.trim();
  const chats = query && state ? allChats(state).filter((chat) => nameMatches(query, chatCard(chat))) : [];
  const people = query ? contactsWithoutChat(contacts?.connections ?? [], state).filter((c) => nameMatches(query, c.user)) : [];
  const hits = results.status === "idle" ? [] : results.hits;

  // Hits in chats the list has not brought yet: ask for those chats, for their names.
  const unknown = hits.filter((h) => state && !state.chats[h.chatId]).map((h) => h.chatId);
  const unknownKey = [...new Set(unknown)].join(",");
  useEffect(() => {
    for (const chatId of unknownKey ? unknownKey.split(",") : []) void sync?.ensureChat(chatId).catch(() => undefined);
  }, [sync, unknownKey]);

  const items: Item[] = [
    ...chats.map((chat) => ({ key: `chat-${chat.id}`, open: () => void navigate(chatPath(chat.id)) })),
    ...people.map((c) => ({
      key: `person-${c.user.id}`,
      open: () => void sync?.open(c.user.id).then((chat) => navigate(chatPath(chat.id))),
    })),
    ...hits.map((hit) => ({ key: `hit-${hit.messageId}`, open: () => void navigate(hitPath(hit)) })),
  ];
  const current = Math.min(active, items.length - 1);
  const optionId = (key: string) => `${listId}-${key}`;

  const change = (value: string) => {
    setText(value);
    setActive(0);
    searcher.type(value);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Escape") {
      if (text) change("");
      else input.current?.blur();
    } else if (event.key === "ArrowDown" && items.length > 0) {
      setActive((current + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length > 0) {
      setActive((current - 1 + items.length) % items.length);
    } else if (event.key === "Enter" && items[current]) {
      items[current].open();
    } else return;
    event.preventDefault();
  };

  const option = (key: string, content: ReactNode, label: string) => {
    const index = items.findIndex((item) => item.key === key);
    return (
      <li
        key={key}
        id={optionId(key)}
        role="option"
        aria-selected={index === current}
        aria-label={label}
        className={`search-result${index === current ? " search-result--active" : ""}`}
        onMouseDown={(event) => event.preventDefault()}
        onClick={() => items[index]?.open()}
        data-testid={key.split("-")[0] === "hit" ? "search-hit" : "search-name"}
      >
        {content}
      </li>
    );
  };
  const nameOf = (hit: SearchHit) => {
    const chat = state?.chats[hit.chatId];
    return chat ? displayName(chatCard(chat)) : "…";
  };

  return (
    <>
      <div className="search" role="search">
        <input
          ref={input}
          type="search"
          className="search__input"
          placeholder="Search chats and messages"
          aria-label="Search chats and messages"
          role="combobox"
          aria-expanded={query !== ""}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={query && items[current] ? optionId(items[current].key) : undefined}
          autoComplete="off"
          enterKeyHint="search"
          maxLength={200}
          value={text}
          onChange={(event) => change(event.target.value)}
          onKeyDown={onKeyDown}
          data-testid="search-input"
        />
        {text ? (
          <button type="button" className="search__clear" aria-label="Clear search" onClick={() => (change(""), input.current?.focus())}>
            ×
          </button>
        ) : null}
      </div>
      {query === "" ? (
        children
      ) : (
        <div className="search-results" data-testid="search-results">
          <ul id={listId} role="listbox" aria-label="Search results" className="search-results__list">
            {chats.length + people.length > 0 ? (
              <li role="presentation" className="search-results__heading">
                Chats and contacts
              </li>
            ) : null}
            {chats.map((chat) =>
              option(
                `chat-${chat.id}`,
                <NameRow person={chatCard(chat)} sub={chatCard(chat).username ? `@${chatCard(chat).username}` : ""} />,
                `Chat with ${displayName(chatCard(chat))}`,
              ),
            )}
            {people.map((c: Connection) => option(`person-${c.user.id}`, <NameRow person={c.user} sub="Contact" />, `Contact ${displayName(c.user)}`))}
            {hits.length > 0 ? (
              <li role="presentation" className="search-results__heading">
                Messages
              </li>
            ) : null}
            {hits.map((hit) =>
              option(
                `hit-${hit.messageId}`,
                <span className="search-hit">
                  <span className="search-hit__top">
                    <span className="search-hit__name">{nameOf(hit)}</span>
                    <span className="search-hit__time">{listTime(hit.createdAt, now)}</span>
                  </span>
                  <span className="search-hit__text">
                    {hit.senderId === state?.me ? "You: " : null}
                    <SnippetText snippet={hit.snippet} />
                  </span>
                </span>,
                `Message in the chat with ${nameOf(hit)}: ${hit.snippet.text}`,
              ),
            )}
          </ul>
          <SearchStatus results={results} empty={items.length === 0} onMore={() => searcher.more()} />
        </div>
      )}
    </>
  );
}

function NameRow({ person, sub }: { person: Pick<PublicUser, "name" | "username" | "avatar">; sub: string }) {
  return (
    <span className="search-name">
      <Avatar user={person} size={40} />
      <span className="search-name__text">
        <span className="search-name__name">{displayName(person)}</span>
        {sub ? <span className="search-name__sub">{sub}</span> : null}
      </span>
    </span>
  );
}

function SearchStatus({ results, empty, onMore }: { results: MessageResults; empty: boolean; onMore: () => void }) {
  if (results.status === "loading")
    return (
      <p className="search-results__status" role="status">
        Searching messages…
      </p>
    );
  if (results.status === "failed") return <FormError message={errorMessage(results.error)} className="search-results__status" />;
  if (results.status === "done" && results.next !== null)
    return (
      <button type="button" className="search-results__more" onClick={onMore}>
        More messages
      </button>
    );
  if (empty)
    return (
      <p className="search-results__status" role="status" data-testid="search-empty">
        {results.status === "idle"
          ? "No chats or contacts with that name. Type two letters or more to search messages."
          : "No chats, contacts or messages found."}
      </p>
    );
  return null;
}
