import { uuidv7 } from "@easyqr/protocol";
import type { Chat, ChatSettingsRequest, ClientFrame, ErrorBody, Message, ServerEvent } from "@easyqr/protocol";
import type { createStore } from "jotai";
import type { ChatsApi } from "../../api/chats.ts";
import { ApiError } from "../../api/http.ts";
import { AckFailure, type Ack } from "../../realtime/acks.ts";
import type { LiveClient, LiveFeature } from "../../realtime/liveClient.ts";
import {
  applyEvent,
  applyHidden,
  applyMessage,
  applyPage,
  applySync,
  emptyChats,
  syncCursors,
  windowBehind,
  withChats,
  type ChatsState,
  type MessageWindow,
  type PageKind,
} from "./chatState.ts";
import { addItem, failItem, removeItem, replyPreview, retryItem, sendFrame, toSend, type Outbox, type OutboxItem, type OutboxStore } from "./outbox.ts";
import { chatsAtom, outboxAtom } from "./state.ts";

export type ChatSyncOptions = {
  me: string;
  api: ChatsApi;
  /** The signed-in user's socket. */
  live: Pick<LiveClient, "ready" | "send" | "request" | "deliver" | "cancel">;
  /** Where the chats and the outbox live (chatsAtom, outboxAtom). */
  store: ReturnType<typeof createStore>;
  /** Where the outbox is kept across reloads. */
  outbox: OutboxStore;
  now?: () => number;
  /** How long receipts for a burst of messages wait to go out as one frame. */
  receiptDelayMs?: number;
};

type ChangeFrame = Extract<ClientFrame, { type: "EDIT" | "DELETE" | "REACT" }>;

export type Draft = { text: string; replyTo?: Message; attachments?: OutboxItem["attachments"]; mentions?: string[] };

const ackError = (error: ErrorBody) => new ApiError(error.code, error.message, 0, error.data);

/**
 * Chats over the signed-in socket (a feature of the LiveClient). On every (re)connect: the chat
 * list once (events meanwhile buffered and applied on top), then SYNC with the cursors known; the
 * live client then sends the outbox. Live events go through the rev rule of chatState; a skipped
 * rev sends SYNC. The state is in chatsAtom and outboxAtom, nowhere else.
 */
export class ChatSync implements LiveFeature {
  private buffer: ServerEvent[] | undefined;
  /** Page loads in progress: each hears the events that arrive meanwhile. */
  private readonly pageLoads = new Set<(event: ServerEvent) => void>();
  private syncing = false;
  private inFlight = new Set<string>();
  /** What this device marked delivered per chat (receipts are per device: another device's say nothing of this one), and what is still to go out. */
  private delivered = new Map<string, number>();
  private deliveredDue = new Set<string>();
  private deliveredTimer: ReturnType<typeof setTimeout> | undefined;
  private seenSent = new Map<string, number>();
  private loading = new Map<string, Promise<void>>();
  private loadingChats: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ChatSyncOptions) {
    options.store.set(outboxAtom, options.outbox.load());
    // Waiting from an earlier page load: they go out after the first connect's resync.
    for (const item of toSend(this.outbox)) this.trySend(item);
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  private get state(): ChatsState | undefined {
    return this.options.store.get(chatsAtom);
  }

  private get outbox(): Outbox {
    return this.options.store.get(outboxAtom);
  }

  stop(): void {
    this.stopped = true;
    if (this.deliveredTimer) clearTimeout(this.deliveredTimer);
  }

  // ---- incoming ------------------------------------------------------------------

  event(event: ServerEvent): void {
    for (const listener of this.pageLoads) listener(event);
    if (this.buffer) this.buffer.push(event);
    if (!this.state) return;
    this.publish(applyEvent(this.state, event));
    if ((event.type === "MESSAGE" || event.type === "MESSAGE_UPDATED") && event.message.senderId !== this.options.me)
      this.markDelivered(event.message.chatId, event.message.seq);
  }

  async resync(): Promise<void> {
    if (!this.state) {
      this.buffer = [];
      try {
        const list = await this.options.api.list();
        if (this.stopped) return;
        const first = { ...withChats(emptyChats(this.options.me), list.chats), moreChats: list.next };
        this.publish((this.buffer ?? []).reduce(applyEvent, first));
      } catch (error) {
        console.warn("easyqr: could not load chats", error);
        return;
      } finally {
        this.buffer = undefined;
      }
    }
    await this.sync();
  }

  /** SYNC with every cursor known; one at a time, again if a gap was seen meanwhile. */
  private async sync(): Promise<void> {
    if (!this.state || this.syncing || this.stopped) return;
    this.syncing = true;
    this.publish({ ...this.state, needsSync: false });
    try {
      const ack = await this.options.live.request({ type: "SYNC", id: uuidv7(), chats: syncCursors(this.state) });
      if (ack.error) console.warn("easyqr: SYNC refused", ack.error.code);
      else if (this.state) this.publish(applySync(this.state, ack.sync));
      const state = this.state;
      // Messages that reached this device through SYNC: delivered here, even when another device of mine said so already.
      const arrived = new Set((ack.sync?.chats ?? []).filter((c) => c.resync || c.changes.length > 0).map((c) => c.chat.id));
      for (const chat of Object.values(state?.chats ?? {})) {
        if ((chat.lastSeq > chat.mine.deliveredSeq || arrived.has(chat.id)) && chat.lastMessage?.senderId !== this.options.me)
          this.markDelivered(chat.id, chat.lastSeq);
        if (state && windowBehind(state, chat.id) !== undefined) void this.load(chat.id, "newer");
      }
    } catch (error) {
      if (!(error instanceof AckFailure)) console.warn("easyqr: SYNC failed", error);
      // Set, not published: publish would start a SYNC at once; the check below (or the next connect) does.
      if (this.state) this.options.store.set(chatsAtom, { ...this.state, needsSync: true });
    } finally {
      this.syncing = false;
    }
    if (this.state?.needsSync && this.options.live.ready) await this.sync();
  }

  private publish(state: ChatsState): void {
    if (state === this.state) return;
    this.options.store.set(chatsAtom, state);
    if (state.needsSync && !this.syncing && this.options.live.ready) void this.sync();
  }

  // ---- receipts ------------------------------------------------------------------

  private markDelivered(chatId: string, seq: number): void {
    if ((this.delivered.get(chatId) ?? 0) >= seq) return;
    this.delivered.set(chatId, seq);
    this.deliveredDue.add(chatId);
    this.deliveredTimer ??= setTimeout(() => {
      this.deliveredTimer = undefined;
      for (const id of this.deliveredDue) this.options.live.send({ type: "DELIVERED", chatId: id, seq: this.delivered.get(id) ?? 0 });
      this.deliveredDue.clear();
    }, this.options.receiptDelayMs ?? 50);
  }

  /** The chat is on screen and the window has focus: everything in it is seen. */
  markSeen(chatId: string): void {
    const chat = this.state?.chats[chatId];
    if (!chat || !this.state) return;
    const seq = chat.lastSeq;
    // Once per device: "read on the desktop" is worth saying even when the phone read it first.
    if (seq === 0 || (this.seenSent.get(chatId) ?? 0) >= seq) return;
    if (this.options.live.ready) {
      this.seenSent.set(chatId, seq);
      this.options.live.send({ type: "SEEN", chatId, seq });
    }
    if (chat.mine.seenSeq >= seq && chat.unread === 0) return;
    // The server's RECEIPT says the same; showing it now clears the badge at once.
    this.publish({
      ...this.state,
      chats: { ...this.state.chats, [chatId]: { ...chat, unread: 0, mine: { deliveredSeq: Math.max(chat.mine.deliveredSeq, seq), seenSeq: seq } } },
    });
  }

  typing(chatId: string, typing: boolean): void {
    if (this.options.live.ready) this.options.live.send({ type: "TYPING", chatId, typing });
  }

  // ---- the outbox ----------------------------------------------------------------

  send(chatId: string, draft: Draft): void {
    const item: OutboxItem = {
      clientId: uuidv7(),
      chatId,
      text: draft.text,
      replyTo: draft.replyTo ? replyPreview(draft.replyTo) : null,
      attachments: draft.attachments ?? [],
      ...(draft.mentions?.length ? { mentions: draft.mentions } : {}),
      createdAt: this.now,
      status: "pending",
    };
    this.setOutbox(addItem(this.outbox, item));
    this.trySend(item);
  }

  retry(clientId: string): void {
    this.setOutbox(retryItem(this.outbox, clientId));
    const item = this.outbox.find((i) => i.clientId === clientId);
    if (item) this.trySend(item);
  }

  cancel(clientId: string): void {
    this.options.live.cancel(clientId);
    this.setOutbox(removeItem(this.outbox, clientId));
  }

  /** Hands the item to the live client's outbox, which sends it (again after drops) until it is answered. */
  private trySend(item: OutboxItem): void {
    if (this.inFlight.has(item.clientId)) return;
    this.inFlight.add(item.clientId);
    this.options.live.deliver(sendFrame(item)).then(
      (ack) => {
        this.inFlight.delete(item.clientId);
        if (ack.error) return this.setOutbox(failItem(this.outbox, item.clientId, ack.error.code));
        if (this.state) this.publish(applyMessage(this.state, ack.message));
        this.setOutbox(removeItem(this.outbox, item.clientId));
      },
      // Stopped (signed out): the item stays stored for the next sign-in of this user.
      () => this.inFlight.delete(item.clientId),
    );
  }

  private setOutbox(outbox: Outbox): void {
    this.options.outbox.save(outbox);
    this.options.store.set(outboxAtom, outbox);
  }

  // ---- changes to sent messages --------------------------------------------------

  edit(messageId: string, text: string): Promise<void> {
    return this.change({ type: "EDIT", id: uuidv7(), messageId, text });
  }

  remove(messageId: string): Promise<void> {
    return this.change({ type: "DELETE", id: uuidv7(), messageId });
  }

  react(messageId: string, emoji: string | null): Promise<void> {
    return this.change({ type: "REACT", id: uuidv7(), messageId, emoji });
  }

  private async change(frame: ChangeFrame): Promise<void> {
    if (!this.options.live.ready) throw new ApiError("NETWORK", "offline");
    let ack: Ack<ChangeFrame["type"]>;
    try {
      ack = await this.options.live.request(frame);
    } catch {
      throw new ApiError("NETWORK", "no answer");
    }
    if (ack.error) throw ackError(ack.error);
    if (this.state) this.publish(applyMessage(this.state, ack.message));
  }

  /**
   * Forwards a message to each chat (one FORWARD per chat, each with its own id: the live client
   * sends it again after a drop, and the server answers a resend with the message it stored).
   * Resolves once every one is answered; the first refusal rejects.
   */
  async forward(messageId: string, chatIds: readonly string[]): Promise<void> {
    if (!this.options.live.ready) throw new ApiError("NETWORK", "offline");
    const acks = await Promise.all(chatIds.map((chatId) => this.options.live.deliver({ type: "FORWARD", id: uuidv7(), messageId, chatId })));
    for (const ack of acks) if (!ack.error && this.state) this.publish(applyMessage(this.state, ack.message));
    const refused = acks.find((ack) => ack.error);
    if (refused?.error) throw ackError(refused.error);
  }

  /** Deletes a message for this person only; their other devices hear MESSAGE_HIDDEN. */
  async hide(messageId: string): Promise<void> {
    if (!this.options.live.ready) throw new ApiError("NETWORK", "offline");
    const ack = await this.options.live.deliver({ type: "HIDE", id: uuidv7(), messageId });
    if (ack.error) throw ackError(ack.error);
    if (this.state) this.publish(applyHidden(this.state, ack.hidden));
  }

  // ---- chats and history -----------------------------------------------------------

  /** The chat list's next page (on scroll); one at a time, nothing when the list is complete. */
  loadMoreChats(): Promise<void> {
    const before = this.state?.moreChats;
    if (before === null || before === undefined) return Promise.resolve();
    this.loadingChats ??= this.options.api
      .list(before)
      .then((page) => {
        if (this.state && this.state.moreChats === before) this.publish({ ...withChats(this.state, page.chats), moreChats: page.next });
      })
      .finally(() => (this.loadingChats = undefined));
    return this.loadingChats;
  }

  /** The chat with a connection (made on first use), known here from then on. */
  async open(userId: string): Promise<Chat> {
    const chat = await this.options.api.open(userId);
    if (this.state) this.publish(withChats(this.state, [chat]));
    return chat;
  }

  /** Pin, archive, mute or mark unread: the answer is shown at once (every device hears CHAT_SETTINGS too). */
  async updateSettings(chatId: string, change: ChatSettingsRequest): Promise<void> {
    const chat = await this.options.api.settings(chatId, change);
    if (this.state) this.publish(withChats(this.state, [chat]));
  }

  /** The chat was opened: a "mark as unread" on it is done with (on every device). */
  opened(chatId: string): void {
    if (this.state?.chats[chatId]?.settings.markedUnread) void this.updateSettings(chatId, { markedUnread: false }).catch(() => undefined);
  }

  /** A chat opened by its address that the list has not brought (yet). */
  async ensureChat(chatId: string): Promise<void> {
    if (!this.state || this.state.chats[chatId]) return;
    const chat = await this.options.api.get(chatId);
    if (this.state) this.publish(withChats(this.state, [chat]));
  }

  /** The loaded history of a chat as it is now (between awaits of a page load). */
  window(chatId: string): MessageWindow | undefined {
    return this.state?.windows[chatId];
  }

  /** Loads a page into the chat's window; one load per chat at a time. Resolves when it is in. */
  load(chatId: string, kind: PageKind): Promise<void> {
    const running = this.loading.get(chatId);
    if (running) return running;
    const promise = this.loadPage(chatId, kind).finally(() => this.loading.delete(chatId));
    this.loading.set(chatId, promise);
    return promise;
  }

  private async loadPage(chatId: string, kind: PageKind, attempt = 1): Promise<void> {
    const window = this.state?.windows[chatId];
    const first = window?.messages[0]?.seq;
    const last = window?.messages[window.messages.length - 1]?.seq;
    const cursor = kind === "older" && first !== undefined ? { before: first } : kind === "newer" && last !== undefined ? { after: last } : {};
    const events: ServerEvent[] = [];
    const listener = (event: ServerEvent) => void events.push(event);
    this.pageLoads.add(listener);
    const page = await this.options.api.history(chatId, { ...cursor, limit: 50 }).finally(() => this.pageLoads.delete(listener));
    if (!this.state) return;
    // A SYNC answer that came meanwhile started this chat over (`resync`: a chat new here, e.g. a group just
    // joined); applied on top it would drop this page and leave the chat with no window and nothing to load one.
    // The page may be older than the chat that answer brought: the newest page again.
    const startedOver = events.some((e) => e.type === "ACK" && e.sync?.chats.some((c) => c.resync && c.chat.id === chatId));
    if (startedOver && attempt < 3) return this.loadPage(chatId, "newest", attempt + 1);
    // Events that came while the page was on its way may be newer than it: apply them again on top (they are idempotent).
    const withPage = applyPage(this.state, chatId, page, window ? kind : "newest");
    this.publish(events.reduce(applyEvent, withPage));
    if (page.messages.length > 0 && this.state && windowBehind(this.state, chatId) !== undefined) await this.loadPage(chatId, "newer");
  }
}
