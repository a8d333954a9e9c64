import { routes } from "@easyqr/protocol";
import type { Chat, ChatList, ChatSettingsRequest, HistoryPage, MessageInfo } from "@easyqr/protocol";
import type { ApiClient } from "./client.ts";

export type HistoryCursor = { before?: number; after?: number; limit?: number };

export type ChatsApi = {
  /** Chats with messages, latest activity first; pass `next` as `before` for the next page. */
  list(before?: number): Promise<ChatList>;
  /** The 1-1 chat with a connection (made on first use). */
  open(userId: string): Promise<Chat>;
  get(chatId: string): Promise<Chat>;
  /** Oldest first: the newest page without a cursor, else the page before/after a seq. */
  history(chatId: string, cursor?: HistoryCursor): Promise<HistoryPage>;
  /** Per-device receipts of one's own message. */
  info(chatId: string, messageId: string): Promise<MessageInfo>;
  /** This person's pin, archive, mute, mark unread of a chat: the chat with its new settings. */
  settings(chatId: string, change: ChatSettingsRequest): Promise<Chat>;
};

/** The chat routes (`routes.chats`; docs/protocol.md). */
export function chatsApi(session: { readonly api: ApiClient }): ChatsApi {
  const { api } = session;
  return {
    list: (before) => api.call(routes.chats.listChats, { query: { before } }),
    open: (userId) => api.call(routes.chats.openChat, { body: { userId } }),
    get: (chatId) => api.call(routes.chats.chat, { params: { chatId } }),
    history: (chatId, cursor = {}) => api.call(routes.chats.history, { params: { chatId }, query: cursor }),
    info: (chatId, messageId) => api.call(routes.chats.messageInfo, { params: { chatId, messageId } }),
    settings: (chatId, change) => api.call(routes.chats.chatSettings, { params: { chatId }, body: change }),
  };
}
