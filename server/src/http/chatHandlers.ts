import type { Routes } from "@easyqr/protocol";
import type { ChatService } from "../chat/service.ts";
import type { Handlers } from "./route.ts";

/** Chats and history over HTTP; sending, receipts, typing and catching up are socket frames (docs/protocol.md). */
export function chatHandlers(chat: ChatService): Handlers<Routes["chats"]> {
  return {
    listChats: ({ principal, query }) => chat.listChats(principal.userId, query),
    openChat: ({ principal, body }) => chat.openChat(principal.userId, body.userId),
    chat: ({ principal, params }) => chat.chat(principal.userId, params.chatId),
    chatSettings: ({ principal, params, body }) => chat.updateSettings(principal.userId, params.chatId, body),
    history: ({ principal, params, query }) => chat.history(principal.userId, params.chatId, query),
    messageInfo: ({ principal, params }) => chat.messageInfo(principal.userId, params.chatId, params.messageId),
  };
}
