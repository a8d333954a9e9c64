import { HistoryPage, ServerEvent, type Message, type SyncResult } from "@easyqr/protocol";
import WebSocket from "ws";
import type { SeededUser } from "./seed.ts";

/** What a client holds of a message: enough to check order, identity and origin (`system`: a group's system line, by its event). */
export type Held = { id: string; seq: number; rev: number; senderId: string; clientId: string; system: string | null };

/** Most SENDs a client has on the wire without their ACK. */
const WINDOW = 20;

type Outgoing = { clientId: string; text: string; sentOnConnection: number; notBefore: number; firstSentOn: number };

/**
 * A chat client as a phone app would be written: every message goes into an outbox under a
 * client id and leaves it only when its ACK comes; after any reconnect it sends SYNC with its
 * cursor and then the outbox again, in order. It applies a message once by seq (MESSAGE events,
 * ACKs and SYNC answers may all carry the same one) and records every arrival and every
 * inconsistency for the checker.
 */
export class OutboxClient {
  readonly composed: string[] = [];
  readonly acked = new Map<string, Held>();
  readonly held = new Map<number, Held>();
  /** Inconsistencies seen while applying: two messages at one seq, one id at two seqs, one client id acked as two messages. */
  readonly conflicts: string[] = [];
  readonly counts = {
    messageEvents: 0,
    syncChanges: 0,
    acks: 0,
    duplicatesDropped: 0,
    resends: 0,
    connections: 0,
    rateLimited: 0,
    syncs: 0,
    resyncs: 0,
    handshakeTimeouts: 0,
    storedBeforeDrop: 0,
    acksLost: 0,
    /** RESYNC frames: the server says live events may have been missed (Redis was away). */
    resyncFrames: 0,
    /** SENDs refused as UNAVAILABLE (the database was away) and sent again after `retryAfterMs`. */
    unavailable: 0,
  };
  readonly errors: string[] = [];
  private readonly outbox: Outgoing[] = [];
  private readonly seqOfId = new Map<string, number>();
  private contiguous = 0;
  private ws: WebSocket | undefined;
  private ready = false;
  private connection = 0;
  private stopped = false;
  private syncing: string | undefined;
  /** A SYNC was asked for while one was in flight (whose answer may predate what it was asked for). */
  private syncAgain = false;
  private syncWaiters: (() => void)[] = [];
  private next = 0;
  private droppedAt = 0;
  private losingAcks = false;

  constructor(
    readonly user: SeededUser,
    readonly chatId: string,
    private readonly url: () => string,
    /** How long it waits before each reconnect attempt (a slow one misses live events and must SYNC). */
    private readonly reconnectDelayMs = 100,
  ) {}

  get pending(): number {
    return this.outbox.length;
  }

  get connected(): boolean {
    return this.ready;
  }

  /** The local port of the socket (which node a load balancer gave it), while it is open. */
  get localPort(): number | undefined {
    return this.ready ? (this.ws as unknown as { _socket?: { localPort?: number } } | undefined)?._socket?.localPort : undefined;
  }

  start(): void {
    this.connect();
  }

  /** Puts a new message in the outbox and sends it now if the socket is up. */
  compose(): void {
    const clientId = `${this.user.username}-${(this.next++).toString(36)}`;
    this.composed.push(clientId);
    this.outbox.push({ clientId, text: `storm ${clientId}`, sentOnConnection: -1, notBefore: 0, firstSentOn: 0 });
    this.flush();
  }

  /**
   * Fault injection: ACKs of SENDs are dropped unread until the next connection, as when the
   * connection dies with them on the wire. The messages stay in the outbox and are resent.
   */
  loseAcksUntilReconnect(): void {
    this.losingAcks = true;
  }

  /**
   * Asks the server for everything after the cursor and resolves when the answer is applied.
   * Twice: a SYNC already in flight may have been read before the latest commits.
   */
  async sync(): Promise<void> {
    for (let round = 0; round < 2; round++) {
      await new Promise<void>((resolve) => {
        this.syncWaiters.push(resolve);
        this.sendSync();
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(`${this.url().replace(/^http/, "ws")}/ws`);
    this.ws = ws;
    const connection = ++this.connection;
    ws.on("open", () => ws.send(JSON.stringify({ accessToken: this.user.accessToken })));
    ws.on("message", (data) => this.onEvent(ServerEvent.parse(JSON.parse((data as Buffer).toString())), connection));
    ws.on("error", () => undefined);
    ws.on("close", () => {
      if (this.ws !== ws) return;
      if (this.ready) this.droppedAt = Date.now();
      this.ready = false;
      this.syncing = undefined;
      this.syncAgain = false;
      this.ws = undefined;
      if (!this.stopped) setTimeout(() => this.connect(), this.reconnectDelayMs + Math.random() * 100);
    });
  }

  private onEvent(event: ServerEvent, connection: number): void {
    switch (event.type) {
      case "AUTHENTICATED":
        this.losingAcks = false;
        this.ready = true;
        this.counts.connections++;
        this.sendSync();
        this.flush();
        return;
      case "MESSAGE":
        this.counts.messageEvents++;
        if (event.message.chatId !== this.chatId) return void this.errors.push(`MESSAGE for another chat ${event.message.chatId}`);
        this.apply(event.message);
        // A seq skipped: something between was missed (e.g. during a reconnect); ask for it.
        if (event.message.seq > this.contiguous + 1) this.sendSync();
        return;
      case "ACK":
        this.counts.acks++;
        if (this.losingAcks && event.id !== this.syncing) {
          this.counts.acksLost++;
          return;
        }
        if (event.id === this.syncing) return this.onSync(event.sync, event.error);
        return this.onAck(event.id, event.message, event.error, connection);
      case "RESYNC":
        this.counts.resyncFrames++;
        this.sendSync();
        return;
      case "ERROR":
        // A server too busy to read the handshake in time closes the socket; the client just reconnects.
        if (event.error.code === "HANDSHAKE_TIMEOUT") this.counts.handshakeTimeouts++;
        else this.errors.push(`ERROR ${event.error.code}: ${event.error.message}`);
        return;
      default:
        return;
    }
  }

  private onAck(id: string, message: Message | undefined, error: { code: string; data?: unknown } | undefined, connection: number): void {
    const index = this.outbox.findIndex((o) => o.clientId === id);
    if (error) {
      // Both mean "again after retryAfterMs", as the web client's outbox treats them.
      if (error.code === "RATE_LIMITED") this.counts.rateLimited++;
      else if (error.code === "UNAVAILABLE") this.counts.unavailable++;
      else return void this.errors.push(`SEND ${id} refused: ${error.code}`);
      const item = this.outbox[index];
      if (item && item.sentOnConnection === connection) {
        const retryAfterMs = retryAfterOf(error);
        item.sentOnConnection = -1;
        item.notBefore = Date.now() + retryAfterMs;
        setTimeout(() => this.flush(), retryAfterMs + 5);
      }
      return;
    }
    if (!message) return void this.errors.push(`ACK ${id} without a message`);
    const before = this.acked.get(id);
    if (before && before.id !== message.id) this.conflicts.push(`client id ${id} acknowledged as ${before.id} and as ${message.id}`);
    if (message.clientId !== id) this.conflicts.push(`ACK ${id} carries client id ${message.clientId}`);
    this.acked.set(id, heldOf(message));
    // Sent before a drop, stored before it, acknowledged only after: the resend found the original.
    const item = this.outbox[index];
    if (item && item.firstSentOn < connection && message.createdAt < this.droppedAt) this.counts.storedBeforeDrop++;
    if (index >= 0) this.outbox.splice(index, 1);
    this.apply(message);
    this.flush();
  }

  private onSync(result: SyncResult | undefined, error: { code: string; data?: unknown } | undefined): void {
    this.syncing = undefined;
    if (error?.code === "UNAVAILABLE") {
      // The database is away: ask again after the pause; whoever waits for this sync waits for that one.
      this.counts.unavailable++;
      setTimeout(() => this.sendSync(), retryAfterOf(error));
      return;
    }
    if (!result) {
      this.errors.push(`SYNC refused: ${error?.code ?? "no answer"}`);
    } else {
      for (const chat of result.chats) {
        if (chat.chat.id !== this.chatId) continue;
        if (chat.resync) {
          this.counts.resyncs++;
          void this.pageFromCursor();
          return;
        }
        for (const change of chat.changes) {
          this.counts.syncChanges++;
          this.apply(change);
        }
      }
    }
    this.settleSync();
  }

  /** The `resync` answer: too far behind for SYNC, so page through history after the last contiguous seq. */
  private async pageFromCursor(): Promise<void> {
    try {
      for (;;) {
        const response = await fetchRetrying(`${this.url()}/api/chats/${this.chatId}/messages?after=${this.contiguous}&limit=100`, {
          headers: { authorization: `Bearer ${this.user.accessToken}` },
        });
        const page = HistoryPage.parse(await response.json());
        // A group member sees from their own joining on: the first message they may read starts the gapless prefix.
        const first = page.messages[0];
        if (this.contiguous === 0 && first && first.seq > 1) this.contiguous = first.seq - 1;
        for (const message of page.messages) {
          this.counts.syncChanges++;
          this.apply(message);
        }
        if (!page.more || page.messages.length === 0) break;
      }
    } catch (error) {
      this.errors.push(`history paging failed: ${String(error)}`);
    }
    this.settleSync();
  }

  private settleSync(): void {
    if (this.syncing) return;
    if (this.syncAgain) {
      this.syncAgain = false;
      this.sendSync();
      if (this.syncing) return;
    }
    for (const waiter of this.syncWaiters.splice(0)) waiter();
  }

  private sendSync(): void {
    if (this.syncing) this.syncAgain = true;
    if (!this.ready || this.syncing || !this.ws) return;
    this.counts.syncs++;
    this.syncing = `sync-${this.connection}-${this.counts.syncs}`;
    this.ws.send(JSON.stringify({ type: "SYNC", id: this.syncing, chats: [{ chatId: this.chatId, rev: this.cursorRev() }] }));
  }

  /**
   * Sends, in order, outbox messages not yet sent on this connection, keeping at most WINDOW of
   * them unacknowledged (as an app would, so a long outbox does not flood the socket).
   */
  private flush(): void {
    if (!this.ready || !this.ws) return;
    const now = Date.now();
    let inFlight = 0;
    for (const item of this.outbox) {
      if (item.sentOnConnection === this.connection) {
        if (++inFlight >= WINDOW) return;
        continue;
      }
      if (item.notBefore > now) return;
      if (item.sentOnConnection !== -1 || item.notBefore > 0) this.counts.resends++;
      item.sentOnConnection = this.connection;
      item.firstSentOn ||= this.connection;
      this.ws.send(JSON.stringify({ type: "SEND", id: item.clientId, chatId: this.chatId, text: item.text }));
      if (++inFlight >= WINDOW) return;
    }
  }

  /** Applies a message once by seq; the same seq again must be the same message. */
  private apply(message: Message): void {
    const existing = this.held.get(message.seq);
    if (existing) {
      if (existing.id !== message.id) this.conflicts.push(`seq ${message.seq}: ${existing.id} and ${message.id}`);
      else this.counts.duplicatesDropped++;
      return;
    }
    const seqBefore = this.seqOfId.get(message.id);
    if (seqBefore !== undefined) this.conflicts.push(`message ${message.id} at seq ${seqBefore} and ${message.seq}`);
    this.held.set(message.seq, heldOf(message));
    this.seqOfId.set(message.id, message.seq);
    while (this.held.has(this.contiguous + 1)) this.contiguous++;
  }

  /** The rev of the last message of the gapless prefix held: everything up to it is here. */
  private cursorRev(): number {
    return this.held.get(this.contiguous)?.rev ?? 0;
  }
}

function retryAfterOf(error: { data?: unknown }): number {
  return (error.data as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 200;
}

/**
 * A GET that tries again, as an app would, on a network error (a load balancer's node just died) or
 * a 503 (the database is away), for at most a minute.
 */
async function fetchRetrying(url: string, init: RequestInit): Promise<Response> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(url, init);
      if (response.status !== 503 || Date.now() > deadline) return response;
      await response.body?.cancel();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** What the checker keeps of a message. */
export function heldOf(m: Message): Held {
  return { id: m.id, seq: m.seq, rev: m.rev, senderId: m.senderId, clientId: m.clientId, system: m.system?.event ?? null };
}
