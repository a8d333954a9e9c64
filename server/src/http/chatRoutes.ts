import { Chat, ChatIdParams, ChatList, ChatListQuery, HistoryPage, HistoryQuery, OpenChatRequest } from "@easyqr/protocol";
import type { ChatService } from "../chat/service.ts";
import type { Router } from "./route.ts";

const authErrors = ["AUTH_REQUIRED", "AUTH_TOKEN_INVALID", "AUTH_TOKEN_EXPIRED", "AUTH_SESSION_REVOKED"] as const;
const tag = "chats";

/** Chats and history over HTTP; sending, receipts, typing and catching up are socket frames (docs/protocol.md). */
export function registerChatRoutes(router: Router, chat: ChatService): void {
  router.add(
    { method: "GET", url: "/api/chats", tag, summary: "Your chats with messages, latest activity first; page with `before=<next>`", auth: true, query: ChatListQuery, response: ChatList, errors: [...authErrors] },
    ({ principal, query }) => chat.listChats(principal.userId, query),
  );
  router.add(
    {
      method: "POST",
      url: "/api/chats",
      tag,
      summary: "The 1-1 chat with a connection, made on first use (an existing chat is returned even after the connection ended)",
      auth: true,
      body: OpenChatRequest,
      response: Chat,
      errors: [...authErrors, "CHAT_NOT_CONNECTED"],
    },
    ({ principal, body }) => chat.openChat(principal.userId, body.userId),
  );
  router.add(
    { method: "GET", url: "/api/chats/:chatId", tag, summary: "One chat (anyone but its members: CHAT_NOT_FOUND, as for no chat)", auth: true, params: ChatIdParams, response: Chat, errors: [...authErrors, "CHAT_NOT_FOUND"] },
    ({ principal, params }) => chat.chat(principal.userId, params.chatId),
  );
  router.add(
    {
      method: "GET",
      url: "/api/chats/:chatId/messages",
      tag,
      summary: "A page of history, oldest first: the newest, `before=<seq>` or `after=<seq>`; `more` says whether the page has a neighbour that way",
      auth: true,
      params: ChatIdParams,
      query: HistoryQuery,
      response: HistoryPage,
      errors: [...authErrors, "CHAT_NOT_FOUND"],
    },
    ({ principal, params, query }) => chat.history(principal.userId, params.chatId, query),
  );
}
