import { atom } from "jotai";
import { chatsApi } from "../../api/chats.ts";
import { authSession } from "../session/state.ts";
import type { ChatsState } from "./chatState.ts";
import type { ChatSync } from "./chatSync.ts";
import type { Outbox } from "./outbox.ts";

export const chats = chatsApi(authSession);

/** Chats and loaded history, live; undefined until the first list after the socket opened. */
export const chatsAtom = atom<ChatsState | undefined>(undefined);

/** Messages typed here and not yet acknowledged (pending or failed). */
export const outboxAtom = atom<Outbox>([]);

/** The running chat sync while someone is signed in, for the screens' actions (send, edit, load a page…). */
export const chatSyncAtom = atom<ChatSync | undefined>(undefined);

/** The chat on screen (ChatWindow sets it), so that it makes no notification while the window has the focus. */
export const openChatAtom = atom<string | undefined>(undefined);
