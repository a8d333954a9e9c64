import {
  Chat,
  ChatIdParams,
  ChatSettingsRequest,
  ChatList,
  ChatListQuery,
  HistoryPage,
  HistoryQuery,
  MessageInfo,
  MessageInfoParams,
  OpenChatRequest,
} from "../chat.ts";
import { authErrors } from "./common.ts";
import type { RouteGroup } from "./route.ts";

const tag = "chats";

/** Chats and history over HTTP; sending, receipts, typing and catching up are socket frames (docs/protocol.md). */
export const chatsRoutes = {
  listChats: {
    method: "GET",
    path: "/api/chats",
    tag,
    summary: "Your chats with messages, latest activity first; page with `before=<next>`",
    auth: true,
    query: ChatListQuery,
    response: ChatList,
    errors: [...authErrors],
  },
  openChat: {
    method: "POST",
    path: "/api/chats",
    tag,
    summary: "The 1-1 chat with a connection, made on first use (an existing chat is returned even after the connection ended)",
    auth: true,
    body: OpenChatRequest,
    response: Chat,
    errors: [...authErrors, "CHAT_NOT_CONNECTED"],
  },
  chat: {
    method: "GET",
    path: "/api/chats/:chatId",
    tag,
    summary: "One chat (anyone but its members: CHAT_NOT_FOUND, as for no chat)",
    auth: true,
    params: ChatIdParams,
    response: Chat,
    errors: [...authErrors, "CHAT_NOT_FOUND"],
  },
  chatSettings: {
    method: "PATCH",
    path: "/api/chats/:chatId/settings",
    tag,
    summary:
      "Your own pin, archive, mute (8h, 1w, always, off) and mark-as-unread of a chat, sent to all your devices as CHAT_SETTINGS (more than MAX_PINNED_CHATS pinned: CHAT_PIN_LIMIT)",
    auth: true,
    params: ChatIdParams,
    body: ChatSettingsRequest,
    response: Chat,
    errors: [...authErrors, "CHAT_NOT_FOUND", "CHAT_PIN_LIMIT"],
  },
  history: {
    method: "GET",
    path: "/api/chats/:chatId/messages",
    tag,
    summary: "A page of history, oldest first: the newest, `before=<seq>` or `after=<seq>`; `more` says whether the page has a neighbour that way",
    auth: true,
    params: ChatIdParams,
    query: HistoryQuery,
    response: HistoryPage,
    errors: [...authErrors, "CHAT_NOT_FOUND"],
  },
  messageInfo: {
    method: "GET",
    path: "/api/chats/:chatId/messages/:messageId/info",
    tag,
    summary:
      "Per-device receipts of one's own message: each device of the recipient that got it, with when it was delivered and read there (only the sender may ask: MESSAGE_NOT_YOURS; anyone but a member: CHAT_NOT_FOUND)",
    auth: true,
    params: MessageInfoParams,
    response: MessageInfo,
    errors: [...authErrors, "CHAT_NOT_FOUND", "MESSAGE_NOT_FOUND", "MESSAGE_NOT_YOURS"],
  },
} as const satisfies RouteGroup;
