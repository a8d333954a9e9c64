import { endsSession, requestId, retryAfterMs, socketUrl, uuidv7 } from "@easyqr/protocol";
import type { ClientFrame, ErrorCode, RequestFrame, ServerEvent } from "@easyqr/protocol";
import { AckFailure, type Ack } from "./acks.ts";
import { backoffDelay, defaultBackoff } from "./backoff.ts";
import { Connection, type ConnectionOptions, type ConnectionState } from "./connection.ts";
import { Pacer, type PacerOptions } from "./pacer.ts";

/** Codes that refuse only the access token: refresh it and reconnect with the new one. */
const staleAccess: ReadonlySet<ErrorCode> = new Set(["AUTH_TOKEN_EXPIRED", "AUTH_TOKEN_INVALID"]);

/** Frames the server counts against a socket's message budget (RATE_LIMITED over it). */
const messageFrames: ReadonlySet<ClientFrame["type"]> = new Set(["SEND", "EDIT", "DELETE", "REACT"]);
const isMessageFrame = (frame: ClientFrame) => messageFrames.has(frame.type);

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
  /**
   * An app-level PING this often, answered by the server: one unanswered for `pongTimeoutMs`
   * means a half-open connection (the network went without a close), dropped and reconnected.
   * Together they bound how long a dead socket goes unnoticed (4 s + 5 s by default).
   */
  pingEveryMs?: number;
  pongTimeoutMs?: number;
  /** A delivery that got no answer on a socket that stayed up goes again after this. */
  redeliverAfterMs?: number;
  /** How fast message frames leave (pacer.ts): inside the server's per-socket budget. */
  pacing?: PacerOptions;
  /** The pacer's clock (tests). */
  now?: () => number;
};

type Delivery = {
  frame: RequestFrame;
  resolve: (ack: Ack) => void;
  reject: (error: AckFailure) => void;
  promise: Promise<Ack>;
  sending: boolean;
  /** Pausing after an attempt that got no answer on a live socket. */
  pausing: boolean;
};

/**
 * The signed-in user's one socket, and the only code that holds it. It connects with the access
 * token (refreshing it when the server refuses it), reconnects with backoff, pings, and after
 * every (re)connect runs each feature's resync, then sends the outbox, in order and paced (a
 * RATE_LIMITED or UNAVAILABLE answer means "again after retryAfterMs", never a failure). Features subscribe
 * here; none of them opens a socket.
 */
export class LiveClient {
  private connection: Connection | undefined;
  private readonly features = new Set<LiveFeature>();
  /** Requests that must arrive: resent with the same id until they are answered. */
  private readonly outbox = new Map<string, Delivery>();
  private ping: ReturnType<typeof setInterval> | undefined;
  private pinging = false;
  /** Bumped on every handshake: a resync that finishes after the next one does not flush. */
  private round = 0;
  /** The outbox may go: this connection's resyncs have finished. */
  private flushing = false;
  private stopped = false;
  private starting = false;
  private startAttempt = 0;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private pumpTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pacer: Pacer;
  /** Message-frame requests (EDIT, DELETE, REACT) waiting for their turn with the pacer. */
  private readonly turns: ((release: () => void) => void)[] = [];

  constructor(private readonly options: LiveClientOptions) {
    this.pacer = new Pacer(options.pacing, options.now);
  }

  get ready(): boolean {
    return this.connection?.state === "ready";
  }

  /** The feature hears every event from now on, and resyncs on every (re)connect. */
  subscribe(feature: LiveFeature): () => void {
    this.features.add(feature);
    return () => this.features.delete(feature);
  }

  /**
   * Connects. Without a token (offline after a reload: the refresh cannot reach the server) it
   * says "retrying" and tries again after a backoff, or at once on retryNow (the network is back).
   */
  async start(): Promise<void> {
    if (this.stopped || this.connection || this.starting) return;
    this.starting = true;
    let token: string;
    try {
      token = await this.options.accessToken();
    } catch (error) {
      this.starting = false;
      // A session that ended is the AuthSession's to report; anything else is the network.
      if (this.stopped || (error instanceof Error && "code" in error && endsSession(error.code as ErrorCode))) throw error;
      this.options.onState("retrying");
      const delay = backoffDelay(this.startAttempt++, this.options.backoff ?? defaultBackoff, this.options.random);
      this.startTimer = setTimeout(() => {
        this.startTimer = undefined;
        this.start().catch(() => undefined);
      }, delay);
      return;
    }
    this.starting = false;
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
    connection.on("state", (state) => {
      if (state !== "ready") this.flushing = false;
      this.options.onState(state);
    });
    connection.on("event", (event) => this.receive(event));
    connection.start();
    this.ping = setInterval(() => this.keepAlive(connection), this.options.pingEveryMs ?? 4_000);
  }

  stop(): void {
    this.stopped = true;
    if (this.ping) clearInterval(this.ping);
    if (this.startTimer) clearTimeout(this.startTimer);
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.connection?.stop();
    for (const [id, delivery] of this.outbox) delivery.reject(new AckFailure("stopped", id));
    this.outbox.clear();
  }

  /** Reconnect now instead of after the backoff (the network came back, the tab became visible). */
  readonly retryNow = (): void => {
    if (!this.connection && this.startTimer) {
      clearTimeout(this.startTimer);
      this.startTimer = undefined;
      this.start().catch(() => undefined);
      return;
    }
    this.connection?.retryNow();
  };

  /** The browser says the network is gone: the socket is dead even if it has not closed (yet). */
  readonly networkLost = (): void => {
    const state = this.connection?.state;
    if (state === "ready" || state === "connecting") this.connection?.drop();
  };

  /** Sends now when connected, else once the next handshake is answered. */
  send(frame: ClientFrame): void {
    this.connection?.send(frame);
  }

  /** One attempt: resolves with the answer, rejects (AckFailure) when none comes. Message frames wait for the pacer. */
  async request<F extends RequestFrame>(frame: F): Promise<Ack<F["type"]>> {
    if (!this.connection) throw new AckFailure("stopped", requestId(frame) ?? frame.type);
    if (!isMessageFrame(frame)) return this.connection.request(frame);
    const release = await new Promise<() => void>((resolve) => {
      this.turns.push(resolve);
      this.pump();
    });
    try {
      if (!this.connection) throw new AckFailure("stopped", requestId(frame) ?? frame.type);
      const ack = await this.connection.request(frame);
      const wait = ack.error && retryAfterMs(ack.error);
      if (wait !== undefined) this.pacer.refused(wait);
      return ack;
    } finally {
      release();
      this.pump();
    }
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
      delivery = { frame, resolve, reject, promise, sending: false, pausing: false };
      this.outbox.set(id, delivery);
      this.pump();
    }
    // The delivery of `id` is this frame's: its answer is an Ack<F["type"]>.
    return delivery.promise as Promise<Ack<F["type"]>>;
  }

  /** Stops resending `id` (an answer to an attempt already out still settles it). */
  cancel(id: string): void {
    this.outbox.delete(id);
    this.pump();
  }

  /**
   * Sends what may go now, oldest first: message-frame requests, then the outbox in the order it
   * was handed in. It stops at the first delivery that must wait (the pacer, a pause after a
   * refusal or a lost answer), so a later message never overtakes an earlier one.
   */
  private pump(): void {
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    const connection = this.connection;
    // Offline the outbox waits here (not in the socket's queue): the next connect sends it after the resyncs.
    if (!connection || connection.state !== "ready" || this.stopped) return;
    for (;;) {
      const turn = this.turns[0];
      const next = turn ? undefined : this.nextDelivery();
      if (!turn && !next) return;
      const paced = turn !== undefined || (next !== undefined && isMessageFrame(next[1].frame));
      const wait = paced ? this.pacer.delay() : 0;
      // Infinity: the window is full, or the oldest delivery pauses; an answer or its pause's end pumps again.
      if (wait === Infinity || next?.[1].pausing) return;
      if (wait > 0) {
        this.pumpTimer = setTimeout(() => this.pump(), wait);
        return;
      }
      const release = paced ? this.pacer.take() : () => {};
      if (turn) {
        this.turns.shift();
        turn(release);
      } else if (next) {
        this.attempt(next[0], next[1], connection, release);
      }
    }
  }

  private nextDelivery(): [string, Delivery] | undefined {
    if (!this.flushing) return undefined;
    for (const entry of this.outbox) if (!entry[1].sending) return entry;
    return undefined;
  }

  private attempt(id: string, delivery: Delivery, connection: Connection, release: () => void): void {
    delivery.sending = true;
    connection.request(delivery.frame).then(
      (ack) => {
        release();
        const wait = ack.error && retryAfterMs(ack.error);
        if (wait !== undefined) {
          // Not a failure: the server asks for a pause (too fast, or its database is away). It goes again first, before anything after it.
          delivery.sending = false;
          this.pacer.refused(wait);
        } else {
          if (this.outbox.get(id) === delivery) this.outbox.delete(id);
          delivery.resolve(ack);
        }
        this.pump();
      },
      (error: unknown) => {
        release();
        delivery.sending = false;
        // Dropped with its socket: the next connect sends it. No answer on a live socket: again after a pause.
        if (error instanceof AckFailure && error.reason === "timeout" && this.ready) {
          delivery.pausing = true;
          setTimeout(() => {
            delivery.pausing = false;
            this.pump();
          }, this.options.redeliverAfterMs ?? 2_000);
        }
        this.pump();
      },
    );
  }

  /** A PING that gets no answer in time: the connection is half-open; drop it and reconnect. */
  private keepAlive(connection: Connection): void {
    if (connection.state !== "ready" || this.pinging) return;
    this.pinging = true;
    connection
      .request({ type: "PING", id: uuidv7() }, this.options.pongTimeoutMs ?? 5_000)
      .catch((error: unknown) => {
        if (error instanceof AckFailure && error.reason === "timeout" && connection.state === "ready") connection.drop();
      })
      .finally(() => (this.pinging = false));
  }

  private receive(event: ServerEvent): void {
    if (event.type === "AUTHENTICATED") {
      this.startAttempt = 0;
      this.pacer.reset();
      for (const delivery of this.outbox.values()) delivery.pausing = false;
      return void this.resync();
    }
    if (event.type === "RESYNC") return void this.resync();
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
    if (round !== this.round || this.stopped || !this.ready) return;
    this.flushing = true;
    this.pump();
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
