import { endsSession, refusesOnlyAccess, socketUrl, type ErrorCode, type ServerEvent } from "@easyqr/protocol";
import { Connection, type ConnectionOptions, type ConnectionState } from "../../api/connection.ts";
import type { ContactsApi } from "../../api/contacts.ts";
import { applyEvent, fromFetch, type ContactsState } from "./contactsState.ts";

export type ContactsSyncOptions = {
  server: string;
  api: ContactsApi;
  /** A usable access token, and a fresh one after the socket refused the last. */
  accessToken(): Promise<string>;
  refresh(): Promise<string>;
  onState(state: ContactsState): void;
  onConnection(state: ConnectionState): void;
  /** The session ended (socket closed with AUTH_SESSION_REVOKED). */
  onEnded(code: ErrorCode): void;
  createSocket?: ConnectionOptions["createSocket"];
  /** Other features riding on the same socket (the chats) subscribe here before it opens. */
  attach?(connection: Connection): void;
  pingEveryMs?: number;
};

/**
 * The signed-in user's one socket and the contact lists it keeps live. On every (re)connect it
 * fetches the lists and applies the events that arrived meanwhile on top: socket first, then
 * fetch, then events (docs/protocol.md), so nothing said during the fetch is lost.
 */
export class ContactsSync {
  private connection: Connection | undefined;
  private state: ContactsState | undefined;
  /** Events received while a fetch is out; applied to its answer. */
  private buffer: ServerEvent[] | undefined;
  private fetchRound = 0;
  private stopped = false;
  private ping: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: ContactsSyncOptions) {}

  async start(): Promise<void> {
    const token = await this.options.accessToken();
    if (this.stopped) return;
    const connection = new Connection({ url: socketUrl(this.options.server), handshake: { accessToken: token }, createSocket: this.options.createSocket });
    this.connection = connection;
    connection.on("state", (state) => this.options.onConnection(state));
    connection.on("event", (event) => this.receive(event));
    this.options.attach?.(connection);
    connection.start();
    // An app-level keep-alive: some proxies drop sockets that only carry protocol pings.
    this.ping = setInterval(() => connection.send({ type: "PING" }), this.options.pingEveryMs ?? 25_000);
  }

  stop(): void {
    this.stopped = true;
    if (this.ping) clearInterval(this.ping);
    this.connection?.stop();
  }

  retryNow(): void {
    this.connection?.retryNow();
  }

  /** Re-reads the lists (after an action whose answer the events will also bring). */
  refetch(): void {
    void this.fetch();
  }

  private receive(event: ServerEvent): void {
    if (event.type === "AUTHENTICATED") return void this.fetch();
    if (event.type === "ERROR") return this.failed(event.error.code);
    if (this.buffer) this.buffer.push(event);
    if (!this.state) return;
    const next = applyEvent(this.state, event);
    if (next !== this.state) this.publish(next);
  }

  private failed(code: ErrorCode): void {
    if (endsSession(code)) {
      this.stop();
      return this.options.onEnded(code);
    }
    // Only the access token was refused: refresh it and reconnect with the new one.
    if (!refusesOnlyAccess(code)) return;
    // The server closes the socket after this error; the reconnect uses the new token.
    this.options.refresh().then(
      (token) => {
        this.connection?.setHandshake({ accessToken: token });
        this.connection?.retryNow();
      },
      () => this.stop(),
    );
  }

  private async fetch(): Promise<void> {
    const round = ++this.fetchRound;
    this.buffer = [];
    try {
      const [requests, connections, blocks] = await Promise.all([this.options.api.requests(), this.options.api.connections(), this.options.api.blocks()]);
      if (round !== this.fetchRound || this.stopped) return;
      const fresh = (this.buffer ?? []).reduce(applyEvent, fromFetch(requests, connections, blocks));
      this.buffer = undefined;
      this.publish(fresh);
    } catch (error) {
      if (round === this.fetchRound) this.buffer = undefined;
      console.warn("easyqr: could not load contacts", error);
    }
  }

  private publish(state: ContactsState): void {
    this.state = state;
    this.options.onState(state);
  }
}
