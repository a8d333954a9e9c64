import { receiptsMark, type Chat, type HistoryPage, type Message, type Receipts, type ServerEvent, type SyncResult } from "@easyqr/protocol";

/** The loaded part of a chat's history: contiguous seqs, oldest first, ending at the newest known message. */
export type MessageWindow = {
  messages: Message[];
  /** Older messages exist on the server (load them on scroll). */
  hasOlder: boolean;
};

/**
 * Everything the chat screens show. Chats are known with their `rev`; a live event that is the
 * next rev is applied, one already known is a no-op, and one that skips a rev (or names a chat
 * not known here) sets `needsSync`, and the sync sends SYNC with the cursors.
 */
export type ChatsState = {
  me: string;
  chats: Record<string, Chat>;
  windows: Record<string, MessageWindow>;
  /** chatId → the peer types until this time (ms since epoch). */
  typing: Record<string, number>;
  needsSync: boolean;
  /** The list's next page (GET /api/chats `before`), null when the list has no more. */
  moreChats: number | null;
};

export const emptyChats = (me: string): ChatsState => ({ me, chats: {}, windows: {}, typing: {}, needsSync: false, moreChats: null });

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
  const last = messages[messages.length - 1]?.seq;
  if (first === undefined || last === undefined) {
    return window.hasOlder ? windows : { ...windows, [message.chatId]: { ...window, messages: [message] } };
  }
  if (message.seq === last + 1) return { ...windows, [message.chatId]: { ...window, messages: [...messages, message] } };
  if (message.seq < first || message.seq > last) return windows;
  const index = message.seq - first;
  const current = messages[index];
  if (current && current.rev >= message.rev) return windows;
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
    next.lastSeq = message.seq;
    next.lastMessage = message;
    next.activityAt = Math.max(chat.activityAt, message.createdAt);
    if (message.senderId !== state.me) {
      if (message.seq > chat.mine.seenSeq) next.unread = chat.unread + 1;
      if (typing[chat.id] !== undefined) typing = withoutKey(typing, chat.id);
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
      const changed = Object.values(state.chats).filter((chat) => chat.peer.id === user.id);
      if (changed.length === 0) return state;
      const chats = { ...state.chats };
      for (const chat of changed) chats[chat.id] = { ...chat, peer: user };
      return { ...state, chats };
    }
    case "CHAT_SETTINGS": {
      const chat = state.chats[event.chatId];
      if (!chat) return state.needsSync ? state : { ...state, needsSync: true };
      if (event.settings.rev <= chat.settings.rev) return state;
      return { ...state, chats: { ...state.chats, [chat.id]: { ...chat, settings: event.settings } } };
    }
    case "TYPING": {
      if (event.userId === state.me) return state;
      if (event.typing) return state.typing[event.chatId] === event.until ? state : { ...state, typing: { ...state.typing, [event.chatId]: event.until } };
      return state.typing[event.chatId] === undefined ? state : { ...state, typing: withoutKey(state.typing, event.chatId) };
    }
    default:
      return state;
  }
}

/** A SYNC answer: each named chat's changes in rev order, its fresh state; `resync` drops the cached window. */
export function applySync(state: ChatsState, result: SyncResult): ChatsState {
  const chats = { ...state.chats };
  let windows = state.windows;
  for (const { chat, changes, resync } of result.chats) {
    if (resync) {
      windows = withoutKey(windows, chat.id);
      chats[chat.id] = mergeChat(undefined, chat);
      continue;
    }
    for (const message of [...changes].sort((a, b) => a.rev - b.rev)) windows = upsertWindow(windows, message);
    chats[chat.id] = mergeChat(chats[chat.id], chat);
  }
  return { ...state, chats, windows };
}

export type PageKind = "newest" | "older" | "newer";

/** A history page into the chat's window: the newest page starts it, older pages go before it, newer after. */
export function applyPage(state: ChatsState, chatId: string, page: HistoryPage, kind: PageKind): ChatsState {
  const window = state.windows[chatId];
  if (kind === "newest" || !window || window.messages.length === 0) {
    return {
      ...state,
      windows: { ...state.windows, [chatId]: { messages: page.messages, hasOlder: kind === "newer" ? (window?.hasOlder ?? false) : page.more } },
    };
  }
  if (kind === "older") {
    const first = window.messages[0]?.seq ?? Infinity;
    const older = page.messages.filter((m) => m.seq < first);
    return { ...state, windows: { ...state.windows, [chatId]: { messages: [...older, ...window.messages], hasOlder: page.more } } };
  }
  let windows = state.windows;
  for (const message of page.messages) windows = upsertWindow(windows, message);
  return windows === state.windows ? state : { ...state, windows };
}

/**
 * What SYNC is told of each chat: its rev, its read state (`receiptsMark`) and its settings rev;
 * the last two move without the rev when another device reads or changes a setting.
 */
export function syncCursors(state: ChatsState): { chatId: string; rev: number; receipts: number; settings: number }[] {
  return Object.values(state.chats).map((chat) => ({ chatId: chat.id, rev: chat.rev, receipts: receiptsMark(chat), settings: chat.settings.rev }));
}

/** A loaded window that stops short of the chat's newest message (a page loaded while messages arrived). */
export function windowBehind(state: ChatsState, chatId: string): number | undefined {
  const window = state.windows[chatId];
  const chat = state.chats[chatId];
  const last = window?.messages[window.messages.length - 1]?.seq;
  if (!window || !chat || last === undefined) return undefined;
  return last < chat.lastSeq ? last : undefined;
}

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}
