import { requestId, socketUrl } from "@easyqr/protocol";
import type { ClientFrame, ErrorCode, RequestFrame, ServerEvent } from "@easyqr/protocol";
import { AckFailure, type Ack } from "./acks.ts";
import { Connection, type ConnectionOptions, type ConnectionState } from "./connection.ts";

/** Codes that refuse only the access token: refresh it and reconnect with the new one. */
const staleAccess: ReadonlySet<ErrorCode> = new Set(["AUTH_TOKEN_EXPIRED", "AUTH_TOKEN_INVALID"]);

/** What a feature (contacts, chats…) hands the live client to ride on the socket. */
export type LiveFeature = {
  /** Every server event, in the order it arrived. */
  event?(event: ServerEvent): void;
  /**
   * After every (re)connect, once the server accepted the handshake: load what may have changed
   * while away. The outbox goes out once every feature's resync has finished.
   */
  resync?(): Promise<void> | void;
};

export type LiveClientOptions = {
  server: string;
  /** A usable access token, and a fresh one after the socket refused the last. */
  accessToken(): Promise<string>;
  refresh(): Promise<string>;
  onState(state: ConnectionState): void;
  /** The sign-in session ended (the server closed the socket with AUTH_SESSION_REVOKED). */
  onEnded(code: ErrorCode): void;
  createSocket?: ConnectionOptions["createSocket"];
  backoff?: ConnectionOptions["backoff"];
  random?: ConnectionOptions["random"];
  ackTimeoutMs?: number;
  /** An app-level keep-alive: some proxies drop sockets that only carry protocol pings. */
  pingEveryMs?: number;
  /** A delivery that got no answer on a socket that stayed up goes again after this. */
  redeliverAfterMs?: number;
};

type Delivery = {
  frame: RequestFrame;
  resolve: (ack: Ack) => void;
  reject: (error: AckFailure) => void;
  promise: Promise<Ack>;
  sending: boolean;
};

/**
 * The signed-in user's one socket, and the only code that holds it. It connects with the access
 * token (refreshing it when the server refuses it), reconnects with backoff, pings, and after
 * every (re)connect runs each feature's resync, then sends the outbox. Features subscribe here;
 * none of them opens a socket.
 */
export class LiveClient {
  private connection: Connection | undefined;
  private readonly features = new Set<LiveFeature>();
  /** Requests that must arrive: resent with the same id until they are answered. */
  private readonly outbox = new Map<string, Delivery>();
  private ping: ReturnType<typeof setInterval> | undefined;
  /** Bumped on every handshake: a resync that finishes after the next one does not flush. */
  private round = 0;
  private stopped = false;

  constructor(private readonly options: LiveClientOptions) {}

  get ready(): boolean {
    return this.connection?.state === "ready";
  }

  /** The feature hears every event from now on, and resyncs on every (re)connect. */
  subscribe(feature: LiveFeature): () => void {
    this.features.add(feature);
    return () => this.features.delete(feature);
  }

  async start(): Promise<void> {
    const token = await this.options.accessToken();
    if (this.stopped || this.connection) return;
    const connection = new Connection({
      url: socketUrl(this.options.server),
      handshake: { accessToken: token },
      createSocket: this.options.createSocket,
      backoff: this.options.backoff,
      random: this.options.random,
      ackTimeoutMs: this.options.ackTimeoutMs,
    });
    this.connection = connection;
    connection.on("state", (state) => this.options.onState(state));
    connection.on("event", (event) => this.receive(event));
    connection.start();
    this.ping = setInterval(() => {
      if (this.ready) connection.send({ type: "PING" });
    }, this.options.pingEveryMs ?? 25_000);
  }

  stop(): void {
    this.stopped = true;
    if (this.ping) clearInterval(this.ping);
    this.connection?.stop();
    for (const [id, delivery] of this.outbox) delivery.reject(new AckFailure("stopped", id));
    this.outbox.clear();
  }

  /** Reconnect now instead of after the backoff (the network came back, the tab became visible). */
  readonly retryNow = (): void => {
    this.connection?.retryNow();
  };

  /** Sends now when connected, else once the next handshake is answered. */
  send(frame: ClientFrame): void {
    this.connection?.send(frame);
  }

  /** One attempt: resolves with the answer, rejects (AckFailure) when none comes. */
  request<F extends RequestFrame>(frame: F): Promise<Ack<F["type"]>> {
    if (!this.connection) return Promise.reject(new AckFailure("stopped", requestId(frame) ?? frame.type));
    return this.connection.request(frame);
  }

  /**
   * Sends now when connected, else after the next (re)connect and its resyncs; resent with the
   * same id after a drop or an unanswered attempt, until the server answers (an error included).
   * Asking again for an id already on its way gives the same promise.
   */
  deliver<F extends RequestFrame>(frame: F): Promise<Ack<F["type"]>> {
    const id = requestId(frame);
    if (!id) return Promise.reject(new Error(`${frame.type} needs an id to be delivered`));
    if (this.stopped) return Promise.reject(new AckFailure("stopped", id));
    let delivery = this.outbox.get(id);
    if (!delivery) {
      let resolve!: (ack: Ack) => void;
      let reject!: (error: AckFailure) => void;
      const promise = new Promise<Ack>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      delivery = { frame, resolve, reject, promise, sending: false };
      this.outbox.set(id, delivery);
      this.attempt(id);
    }
    // The delivery of `id` is this frame's: its answer is an Ack<F["type"]>.
    return delivery.promise as Promise<Ack<F["type"]>>;
  }

  /** Stops resending `id` (an answer to an attempt already out still settles it). */
  cancel(id: string): void {
    this.outbox.delete(id);
  }

  private attempt(id: string): void {
    const delivery = this.outbox.get(id);
    const connection = this.connection;
    // Offline it waits here (not in the socket's queue): the next connect sends it after the resyncs.
    if (!delivery || delivery.sending || !connection || connection.state !== "ready") return;
    delivery.sending = true;
    connection.request(delivery.frame).then(
      (ack) => {
        if (this.outbox.get(id) === delivery) this.outbox.delete(id);
        delivery.resolve(ack);
      },
      () => {
        delivery.sending = false;
        if (this.ready) setTimeout(() => this.attempt(id), this.options.redeliverAfterMs ?? 2_000);
      },
    );
  }

  private receive(event: ServerEvent): void {
    if (event.type === "AUTHENTICATED") return void this.resync();
    if (event.type === "ERROR") this.failed(event.error.code);
    for (const feature of this.features) feature.event?.(event);
  }

  private async resync(): Promise<void> {
    const round = ++this.round;
    await Promise.allSettled(
      [...this.features].map(async (feature) => {
        await feature.resync?.();
      }),
    );
    if (round !== this.round || this.stopped) return;
    for (const id of this.outbox.keys()) this.attempt(id);
  }

  private failed(code: ErrorCode): void {
    if (code === "AUTH_SESSION_REVOKED") {
      this.stop();
      return this.options.onEnded(code);
    }
    if (!staleAccess.has(code)) return;
    // The server closes the socket after this error; the reconnect uses the new token.
    this.options.refresh().then(
      (token) => {
        this.connection?.setHandshake({ accessToken: token });
        this.connection?.retryNow();
      },
      () => this.stop(),
    );
  }
}
