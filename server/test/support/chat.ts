import { randomUUID } from "node:crypto";
import {
  AckOf,
  Chat,
  ChatList,
  DirectChat,
  HistoryPage,
  parseAck,
  type AckOutcome,
  type Message,
  type RequestType,
  type ServerEventOf,
} from "@easyqr/protocol";
import { call, type SignedIn } from "./api.ts";
import type { TestSocket } from "./client.ts";
import { connect, makeUsers, ok, userSocket } from "./contacts.ts";
import type { TestServer } from "./harness.ts";

/** Limits high enough for tests that send a lot from one socket. */
export const roomyChatLimits = { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 };

/** The chat REST API as one user. */
export function chatsOf(server: TestServer, user: SignedIn) {
  const token = user.tokens.accessToken;
  return {
    open: (userId: string) => call(server, "POST", "/api/chats", { token, body: { userId } }),
    list: (query = "") => call(server, "GET", `/api/chats${query}`, { token }),
    get: (chatId: string) => call(server, "GET", `/api/chats/${chatId}`, { token }),
    history: (chatId: string, query = "") => call(server, "GET", `/api/chats/${chatId}/messages${query}`, { token }),
  };
}

export async function openChat(server: TestServer, user: SignedIn, peer: SignedIn): Promise<DirectChat> {
  return ok(await chatsOf(server, user).open(peer.user.id), DirectChat);
}

export async function chatOf(server: TestServer, user: SignedIn, chatId: string): Promise<Chat> {
  return ok(await chatsOf(server, user).get(chatId), Chat);
}

/** A 1-1 chat (the test fails on a group or on none). */
export function asDirect(chat: Chat | undefined): DirectChat {
  if (chat?.kind !== "direct") throw new Error(`expected a 1-1 chat, got ${chat ? chat.kind : "none"}`);
  return chat;
}

export async function chatList(server: TestServer, user: SignedIn, query = ""): Promise<ChatList> {
  return ok(await chatsOf(server, user).list(query), ChatList);
}

export async function historyOf(server: TestServer, user: SignedIn, chatId: string, query = ""): Promise<HistoryPage> {
  return ok(await chatsOf(server, user).history(chatId, query), HistoryPage);
}

/** Every message of a chat, paging back from the newest. */
export async function allMessages(server: TestServer, user: SignedIn, chatId: string): Promise<Message[]> {
  const pages: Message[][] = [];
  let query = "?limit=100";
  for (;;) {
    const page = await historyOf(server, user, chatId, query);
    pages.unshift(page.messages);
    const first = page.messages[0];
    if (!page.more || !first) break;
    query = `?limit=100&before=${first.seq}`;
  }
  return pages.flat();
}

/** Two connected users, a socket each, and their chat. */
export async function chatPair(server: TestServer, base = "chat") {
  const [a, b] = (await makeUsers(server, 2, base)) as [SignedIn, SignedIn];
  await connect(server, a, b);
  const chat = await openChat(server, a, b);
  const [socketA, socketB] = await Promise.all([userSocket(server, a), userSocket(server, b)]);
  return { a, b, chat, socketA, socketB };
}

/** The ACK answering frame `id`. */
export function ackOf(socket: TestSocket, id: string, timeoutMs = 5000): Promise<ServerEventOf<"ACK">> {
  return socket.next("ACK", timeoutMs, (e) => e.id === id);
}

const isRequestType = (type: unknown): type is RequestType => typeof type === "string" && Object.hasOwn(AckOf, type);

/** Sends a request with a fresh id (unless it has one) and returns its ACK, parsed as that request's answer. */
export async function request<T extends RequestType>(socket: TestSocket, frame: { type: T } & Record<string, unknown>): Promise<AckOutcome<T>>;
/** A frame of no known request type (a hostile one): its ACK as any ACK. */
export async function request(socket: TestSocket, frame: Record<string, unknown>): Promise<ServerEventOf<"ACK">>;
export async function request(socket: TestSocket, frame: Record<string, unknown>): Promise<ServerEventOf<"ACK">> {
  const id = typeof frame.id === "string" ? frame.id : randomUUID();
  socket.send({ ...frame, id });
  const ack = await ackOf(socket, id);
  if (!isRequestType(frame.type)) return ack;
  const answer = parseAck(frame.type, ack);
  if (!answer) throw new Error(`the ACK of ${frame.type} ${id} is not the answer to a ${frame.type}: ${JSON.stringify(ack)}`);
  return answer;
}

/** Sends a message and returns it as stored (throws on an error ACK). */
export async function send(socket: TestSocket, chatId: string, text: string, extra: Record<string, unknown> = {}): Promise<Message> {
  const acked = await request(socket, { type: "SEND", chatId, text, ...extra });
  if (acked.error) throw new Error(`SEND refused: ${JSON.stringify(acked.error)}`);
  return acked.message;
}

/** The error code an ACK carries. */
export function errorOf(ack: { error?: { code: string } | undefined }): string | undefined {
  return ack.error?.code;
}

/** Messages this socket received as MESSAGE events, in arrival order. */
export function received(socket: TestSocket, chatId?: string): Message[] {
  return socket.events.flatMap((e) => (e.type === "MESSAGE" && (!chatId || e.message.chatId === chatId) ? [e.message] : []));
}
