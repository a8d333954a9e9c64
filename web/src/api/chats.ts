import { Chat, ChatList, HistoryPage } from "@easyqr/protocol";
import type { AuthSession } from "./authSession.ts";
import { parseResponse } from "./http.ts";

export type HistoryCursor = { before?: number; after?: number; limit?: number };

export type ChatsApi = {
  /** Chats with messages, latest activity first; pass `next` as `before` for the next page. */
  list(before?: number): Promise<ChatList>;
  /** The 1-1 chat with a connection (made on first use). */
  open(userId: string): Promise<Chat>;
  get(chatId: string): Promise<Chat>;
  /** Oldest first: the newest page without a cursor, else the page before/after a seq. */
  history(chatId: string, cursor?: HistoryCursor): Promise<HistoryPage>;
};

/** The chat API (docs/protocol.md), every answer parsed with the protocol schemas. */
export function chatsApi(session: Pick<AuthSession, "request">): ChatsApi {
  const id = encodeURIComponent;
  return {
    async list(before) {
      const query = before === undefined ? "" : `?before=${before}`;
      return parseResponse(ChatList, await session.request(`/api/chats${query}`, { method: "GET" }), "your chats");
    },
    async open(userId) {
      return parseResponse(Chat, await session.request("/api/chats", { method: "POST", body: { userId } }), "a chat");
    },
    async get(chatId) {
      return parseResponse(Chat, await session.request(`/api/chats/${id(chatId)}`, { method: "GET" }), "a chat");
    },
    async history(chatId, cursor = {}) {
      const params = new URLSearchParams();
      if (cursor.before !== undefined) params.set("before", String(cursor.before));
      if (cursor.after !== undefined) params.set("after", String(cursor.after));
      if (cursor.limit !== undefined) params.set("limit", String(cursor.limit));
      const query = params.size ? `?${params.toString()}` : "";
      return parseResponse(HistoryPage, await session.request(`/api/chats/${id(chatId)}/messages${query}`, { method: "GET" }), "messages");
    },
  };
}
