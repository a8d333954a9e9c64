import {
  receiptsMark,
  type Chat,
  type ContactCard,
  type HistoryPage,
  type Message,
  type MessageHidden,
  type Receipts,
  type ServerEvent,
  type SyncResult,
} from "@easyqr/protocol";

/**
 * The loaded part of a chat's history, oldest first, ending at the newest known message. Seqs are
 * contiguous but for messages this person deleted for themselves, which are left out: `through`
 * says how far the window accounts for (hidden messages past the last one shown included).
 */
export type MessageWindow = {
  messages: Message[];
  /** Older messages exist on the server (load them on scroll). */
  hasOlder: boolean;
  /** The highest seq accounted for, when past the last message shown. */
  through?: number;
};

/** The highest seq a window accounts for: its last message, or past it when the ones after were hidden. */
export function windowEnd(window: MessageWindow): number | undefined {
  const last = window.messages[window.messages.length - 1]?.seq;
  if (last === undefined) return window.through;
  return Math.max(last, window.through ?? 0);
}

/** A window whose `through` is kept only while it says more than its last message does (so equal windows compare equal). */
function windowWith(messages: Message[], hasOlder: boolean, through: number | undefined): MessageWindow {
  const last = messages[messages.length - 1]?.seq ?? 0;
  return through !== undefined && through > last ? { messages, hasOlder, through } : { messages, hasOlder };
}

/**
 * Everything the chat screens show. Chats are known with their `rev`; a live event that is the
 * next rev is applied, one already known is a no-op, and one that skips a rev (or names a chat
 * not known here) sets `needsSync`, and the sync sends SYNC with the cursors.
 */
export type ChatsState = {
  me: string;
  chats: Record<string, Chat>;
  windows: Record<string, MessageWindow>;
  /** chatId → who types there (the peer; in a group, any member) → until when (ms since epoch). */
  typing: Record<string, Record<string, number>>;
  /** Groups this person administers: how many join requests wait (GROUP_JOIN_REQUESTS). */
  joinRequests: Record<string, number>;
  needsSync: boolean;
  /** The list's next page (GET /api/chats `before`), null when the list has no more. */
  moreChats: number | null;
};

export const emptyChats = (me: string): ChatsState => ({ me, chats: {}, windows: {}, typing: {}, joinRequests: {}, needsSync: false, moreChats: null });

/** Who types in a chat now (the peer, or members of a group), in the order they started. */
export function typistsIn(state: ChatsState | undefined, chatId: string, now: number): string[] {
  const typists = state?.typing[chatId];
  if (!typists) return [];
  return Object.entries(typists)
    .filter(([, until]) => until > now)
    .map(([userId]) => userId);
}

/** The typing map without one typist (their message arrived, or they stopped). */
function withoutTypist(typing: ChatsState["typing"], chatId: string, userId: string): ChatsState["typing"] {
  const typists = typing[chatId];
  if (typists?.[userId] === undefined) return typing;
  const rest = withoutKey(typists, userId);
  return Object.keys(rest).length ? { ...typing, [chatId]: rest } : withoutKey(typing, chatId);
}

const maxReceipts = (a: Receipts, b: Receipts): Receipts => ({
  deliveredSeq: Math.max(a.deliveredSeq, b.deliveredSeq, a.seenSeq, b.seenSeq),
  seenSeq: Math.max(a.seenSeq, b.seenSeq),
});
const sameReceipts = (a: Receipts, b: Receipts) => a.deliveredSeq === b.deliveredSeq && a.seenSeq === b.seenSeq;

/**
 * A chat as the server answered it, merged with what is known: the higher rev wins; watermarks
 * never go back; the settings with the higher settings rev win (they move no chat rev).
 */
export function mergeChat(known: Chat | undefined, incoming: Chat): Chat {
  if (!known) return incoming;
  const base = incoming.rev >= known.rev ? incoming : known;
  const settings = incoming.settings.rev >= known.settings.rev ? incoming.settings : known.settings;
  return { ...base, mine: maxReceipts(known.mine, incoming.mine), theirs: maxReceipts(known.theirs, incoming.theirs), settings };
}

/** Chats from the list call (or POST /api/chats) added to the state. */
export function withChats(state: ChatsState, chats: readonly Chat[]): ChatsState {
  if (chats.length === 0) return state;
  const next = { ...state.chats };
  for (const chat of chats) next[chat.id] = mergeChat(next[chat.id], chat);
  return { ...state, chats: next };
}

/** Puts a message into its chat's window when it belongs there: inside the window (a newer rev) or right after it. */
function upsertWindow(windows: Record<string, MessageWindow>, message: Message): Record<string, MessageWindow> {
  const window = windows[message.chatId];
  if (!window) return windows;
  const { messages } = window;
  const first = messages[0]?.seq;
  const end = windowEnd(window);
  if (first === undefined || end === undefined) {
    const starts = end === undefined ? !window.hasOlder : message.seq === end + 1;
    return starts ? { ...windows, [message.chatId]: windowWith([message], window.hasOlder, undefined) } : windows;
  }
  if (message.seq === end + 1) return { ...windows, [message.chatId]: windowWith([...messages, message], window.hasOlder, undefined) };
  if (message.seq < first || message.seq > end) return windows;
  // Seqs are contiguous but for hidden ones: the message sits at seq - first or a little before it.
  let index = Math.min(message.seq - first, messages.length - 1);
  while (index > 0 && (messages[index]?.seq ?? 0) > message.seq) index -= 1;
  const current = messages[index];
  // Not there: one this person hid (a change to it from the peer, or an event racing the hide).
  if (!current || current.seq !== message.seq || current.rev >= message.rev) return windows;
  const copy = messages.slice();
  copy[index] = message;
  return { ...windows, [message.chatId]: { ...window, messages: copy } };
}

/** A new or changed message (event, SEND/EDIT/DELETE/REACT ack) applied by the rev rule. */
export function applyMessage(state: ChatsState, message: Message): ChatsState {
  const chat = state.chats[message.chatId];
  if (!chat || message.rev > chat.rev + 1) return state.needsSync ? state : { ...state, needsSync: true };
  const windows = upsertWindow(state.windows, message);
  if (message.rev <= chat.rev) return windows === state.windows ? state : { ...state, windows };
  const next: Chat = { ...chat, rev: message.rev };
  let typing = state.typing;
  if (message.seq > chat.lastSeq) {
    // The server's name of the last sender goes with the message it named.
    if (next.kind === "group" && message.senderId !== chat.lastMessage?.senderId) next.lastSenderName = null;
    next.lastSeq = message.seq;
    next.lastMessage = message;
    next.activityAt = Math.max(chat.activityAt, message.createdAt);
    if (message.senderId !== state.me) {
      if (message.seq > chat.mine.seenSeq) next.unread = chat.unread + 1;
      typing = withoutTypist(typing, chat.id, message.senderId);
    }
  } else if (chat.lastMessage?.seq === message.seq) {
    next.lastMessage = message;
  }
  return { ...state, chats: { ...state.chats, [chat.id]: next }, windows, typing };
}

/** One live event applied. Events that are not about chats return the same state object. */
export function applyEvent(state: ChatsState, event: ServerEvent): ChatsState {
  switch (event.type) {
    case "MESSAGE":
    case "MESSAGE_UPDATED":
      return applyMessage(state, event.message);
    case "ACK":
      // The answer to our own SEND, EDIT, DELETE, REACT or SYNC (a late one included).
      return event.message ? applyMessage(state, event.message) : event.sync ? applySync(state, event.sync) : state;
    case "RECEIPT": {
      const chat = state.chats[event.chatId];
      if (!chat) return state;
      const mine = event.userId === state.me;
      const receipts = maxReceipts(mine ? chat.mine : chat.theirs, event.receipts);
      const unread = mine && event.unread !== undefined ? event.unread : chat.unread;
      if (sameReceipts(receipts, mine ? chat.mine : chat.theirs) && unread === chat.unread) return state;
      const next: Chat = mine ? { ...chat, mine: receipts, unread } : { ...chat, theirs: receipts };
      return { ...state, chats: { ...state.chats, [chat.id]: next } };
    }
    case "PROFILE_UPDATED": {
      const { user } = event;
      const changed = Object.values(state.chats).filter((chat) => chat.kind === "direct" && chat.peer.id === user.id);
      if (changed.length === 0) return state;
      const chats = { ...state.chats };
      for (const chat of changed) if (chat.kind === "direct") chats[chat.id] = { ...chat, peer: user };
      return { ...state, chats };
    }
    case "MESSAGE_HIDDEN":
      return applyHidden(state, event);
    case "CONNECTION_ADDED":
      return withConnected(state, event.connection.user.id, true);
    case "CONNECTION_REMOVED": {
      // Removed or blocked: the chat and its history stay, and only connections can send.
      if (event.reason !== "account_deleted") return withConnected(state, event.userId, false);
      const gone = Object.values(state.chats).filter((chat) => chat.kind === "direct" && chat.peer.id === event.userId);
      if (gone.length === 0) return state;
      const chats = { ...state.chats };
      let windows = state.windows;
      for (const chat of gone) {
        if (chat.kind !== "direct") continue;
        // Its messages are deleted with the account; the row stays until the next sync drops the chat.
        chats[chat.id] = { ...chat, peer: deletedAccount(chat.peer.id), connected: false, lastMessage: null, unread: 0 };
        windows = { ...windows, [chat.id]: { messages: [], hasOlder: false } };
      }
      return { ...state, chats, windows };
    }
    case "CHAT_SETTINGS": {
      const chat = state.chats[event.chatId];
      if (!chat) return state.needsSync ? state : { ...state, needsSync: true };
      if (event.settings.rev <= chat.settings.rev) return state;
      return { ...state, chats: { ...state.chats, [chat.id]: { ...chat, settings: event.settings } } };
    }
    case "TYPING": {
      if (event.userId === state.me) return state;
      const typists = state.typing[event.chatId] ?? {};
      if (event.typing)
        return typists[event.userId] === event.until
          ? state
          : { ...state, typing: { ...state.typing, [event.chatId]: { ...typists, [event.userId]: event.until } } };
      const typing = withoutTypist(state.typing, event.chatId, event.userId);
      return typing === state.typing ? state : { ...state, typing };
    }
    case "GROUP_UPDATED": {
      const chat = state.chats[event.chatId];
      if (chat?.kind !== "group") return state;
      return { ...state, chats: { ...state.chats, [chat.id]: { ...chat, group: event.group } } };
    }
    case "GROUP_MEMBERSHIP": {
      // The chat as this person now sees it: its role and card are the news. Its messages (the
      // system line among them) come by the rev rule: a rev past ours asks SYNC for them.
      const incoming = event.chat;
      const known = state.chats[incoming.id];
      if (!known) return { ...state, chats: { ...state.chats, [incoming.id]: incoming } };
      const next = known.kind === "group" && incoming.kind === "group" ? { ...known, role: incoming.role, group: incoming.group } : known;
      const typing = incoming.kind === "group" && incoming.role === null ? withoutKey(state.typing, incoming.id) : state.typing;
      const needsSync = state.needsSync || incoming.rev > known.rev;
      return { ...state, chats: { ...state.chats, [incoming.id]: next }, typing, needsSync };
    }
    case "GROUP_RECEIPT": {
      const chat = state.chats[event.chatId];
      if (!chat) return state;
      const theirs = maxReceipts(chat.theirs, event.theirs);
      return sameReceipts(theirs, chat.theirs) ? state : { ...state, chats: { ...state.chats, [chat.id]: { ...chat, theirs } } };
    }
    case "GROUP_JOIN_REQUESTS":
      return state.joinRequests[event.chatId] === event.pending ? state : { ...state, joinRequests: { ...state.joinRequests, [event.chatId]: event.pending } };
    default:
      return state;
  }
}

/** The 1-1 chat with `userId`, if any, marked as (no longer) a chat of connections. */
function withConnected(state: ChatsState, userId: string, connected: boolean): ChatsState {
  const chat = Object.values(state.chats).find((c) => c.kind === "direct" && c.peer.id === userId);
  if (!chat || chat.kind !== "direct" || chat.connected === connected) return state;
  return { ...state, chats: { ...state.chats, [chat.id]: { ...chat, connected } } };
}

/** How a chat shows a peer who deleted their account (as WhatsApp: no name, photo or username left). */
export const DELETED_ACCOUNT_NAME = "Deleted account";
export const deletedAccount = (id: string): ContactCard => ({ id, name: DELETED_ACCOUNT_NAME, username: null, bio: null, avatar: null });
export const isDeletedAccount = (peer: ContactCard) => peer.name === DELETED_ACCOUNT_NAME && peer.username === null;

/**
 * A SYNC answer: each named chat's changes in rev order, its fresh state; `resync` drops the cached
 * window; hidden messages leave; `removed` chats (the peer deleted their account) go.
 */
export function applySync(state: ChatsState, result: SyncResult): ChatsState {
  const chats = { ...state.chats };
  let windows = state.windows;
  let typing = state.typing;
  for (const chatId of result.removed ?? []) {
    delete chats[chatId];
    windows = withoutKey(windows, chatId);
    typing = withoutKey(typing, chatId);
  }
  for (const { chat, changes, resync, hidden } of result.chats) {
    if (resync) {
      windows = withoutKey(windows, chat.id);
      chats[chat.id] = mergeChat(undefined, chat);
      continue;
    }
    for (const messageId of hidden) windows = withoutMessage(windows, chat.id, messageId);
    for (const message of [...changes].sort((a, b) => a.rev - b.rev)) windows = upsertWindow(windows, message);
    // The hide count and the preview come with the chat: the server's are this person's view.
    const merged = mergeChat(chats[chat.id], chat);
    chats[chat.id] = { ...merged, hidden: chat.hidden, lastMessage: merged.rev === chat.rev ? chat.lastMessage : merged.lastMessage };
  }
  return { ...state, chats, windows, typing };
}

/**
 * A message this person deleted for themselves (HIDE ack or MESSAGE_HIDDEN): it leaves the window,
 * the preview becomes what the server says. The hide count only moves by one: a skipped count
 * (a hide this device missed) stays behind, so the next SYNC names the ones in between.
 */
export function applyHidden(state: ChatsState, hidden: MessageHidden): ChatsState {
  const chat = state.chats[hidden.chatId];
  const windows = withoutMessage(state.windows, hidden.chatId, hidden.messageId);
  if (!chat) return windows === state.windows ? state : { ...state, windows };
  const next: Chat = { ...chat, hidden: hidden.hidden === chat.hidden + 1 ? hidden.hidden : chat.hidden };
  if (chat.lastMessage?.id === hidden.messageId || (hidden.lastMessage && hidden.lastMessage.seq >= (chat.lastMessage?.seq ?? 0)))
    next.lastMessage = hidden.lastMessage;
  const needsSync = state.needsSync || hidden.hidden > chat.hidden + 1;
  return { ...state, windows, chats: { ...state.chats, [chat.id]: next }, needsSync };
}

function withoutMessage(windows: Record<string, MessageWindow>, chatId: string, messageId: string): Record<string, MessageWindow> {
  const window = windows[chatId];
  const index = window?.messages.findIndex((m) => m.id === messageId) ?? -1;
  if (!window || index < 0) return windows;
  const messages = window.messages.filter((_, i) => i !== index);
  return { ...windows, [chatId]: windowWith(messages, window.hasOlder, windowEnd(window)) };
}

export type PageKind = "newest" | "older" | "newer";

/** A history page into the chat's window: the newest page starts it, older pages go before it, newer after. */
export function applyPage(state: ChatsState, chatId: string, page: HistoryPage, kind: PageKind): ChatsState {
  const window = state.windows[chatId];
  if (kind === "newest" || !window || window.messages.length === 0) {
    const hasOlder = kind === "newer" ? (window?.hasOlder ?? false) : page.more;
    return { ...state, windows: { ...state.windows, [chatId]: windowWith(page.messages, hasOlder, page.through) } };
  }
  if (kind === "older") {
    const first = window.messages[0]?.seq ?? Infinity;
    const older = page.messages.filter((m) => m.seq < first);
    return { ...state, windows: { ...state.windows, [chatId]: windowWith([...older, ...window.messages], page.more, window.through) } };
  }
  let windows = state.windows;
  for (const message of page.messages) windows = upsertWindow(windows, message);
  const loaded = windows[chatId];
  const end = loaded ? windowEnd(loaded) : undefined;
  // The page accounts for seqs past its last message (hidden ones): so does the window now.
  if (loaded && end !== undefined && page.through > end) windows = { ...windows, [chatId]: windowWith(loaded.messages, loaded.hasOlder, page.through) };
  return windows === state.windows ? state : { ...state, windows };
}

/**
 * What SYNC is told of each chat: its rev, its read state (`receiptsMark`), how many messages this
 * person hid there and its settings rev; all but the rev move without it when another device reads,
 * hides or changes a setting.
 */
export function syncCursors(state: ChatsState): { chatId: string; rev: number; receipts: number; hidden: number; settings: number }[] {
  return Object.values(state.chats).map((chat) => ({
    chatId: chat.id,
    rev: chat.rev,
    receipts: receiptsMark(chat),
    hidden: chat.hidden,
    settings: chat.settings.rev,
  }));
}

/** A loaded window that stops short of the chat's newest message (a page loaded while messages arrived). */
export function windowBehind(state: ChatsState, chatId: string): number | undefined {
  const window = state.windows[chatId];
  const chat = state.chats[chatId];
  const last = window?.messages[window.messages.length - 1]?.seq;
  const end = window ? windowEnd(window) : undefined;
  if (!window || !chat || last === undefined || end === undefined) return undefined;
  return end < chat.lastSeq ? last : undefined;
}

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}
