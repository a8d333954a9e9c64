import { AckEnvelope, CloseCode, requestId, ServerEvent } from "@easyqr/protocol";
import type { ClientFrame, ErrorBody, Handshake, RequestFrame } from "@easyqr/protocol";
import { PendingAcks, AckFailure, type Ack } from "./acks.ts";
import { backoffDelay, defaultBackoff, type BackoffOptions } from "./backoff.ts";
import { browserSocket } from "./browserSocket.ts";
import { Emitter } from "./emitter.ts";
import { isFatalCode } from "./fatal.ts";

/** The part of the DOM WebSocket this class uses, so tests can hand it a fake. */
export type SocketLike = {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
};

/**
 * idle: not started. connecting: socket opening, handshake sent, no answer yet.
 * ready: the server answered the handshake; frames flow. retrying: waiting out
 * the backoff. stopped: for good (stop(), a dead credential, or the session ended).
 */
export type ConnectionState = "idle" | "connecting" | "ready" | "retrying" | "stopped";

export type ConnectionEvents = {
  event: ServerEvent;
  state: ConnectionState;
  /** The server refused the credential; no reconnect follows. */
  fatal: ErrorBody;
};

export type ConnectionOptions = {
  url: string;
  handshake: Handshake;
  createSocket?: (url: string) => SocketLike;
  backoff?: BackoffOptions;
  random?: () => number;
  ackTimeoutMs?: number;
};

type Queued = { frame: ClientFrame; id?: string };

/**
 * One socket to the server: handshake first, then JSON frames. Reconnects
 * with backoff, queues frames while not ready, correlates ACKs by id (each
 * parsed as the answer to the request it answers), and validates every server
 * event (an unparseable one is logged and dropped).
 */
export class Connection {
  private readonly emitter = new Emitter<ConnectionEvents>();
  private readonly acks = new PendingAcks();
  private queue: Queued[] = [];
  private socket: SocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private handshake: Handshake;
  private current: ConnectionState = "idle";
  /** Set by a fatal error or the end of the session: the next close does not reconnect. */
  private final = false;
  lastError: ErrorBody | undefined;

  constructor(private readonly options: ConnectionOptions) {
    this.handshake = options.handshake;
  }

  get state(): ConnectionState {
    return this.current;
  }

  on<K extends keyof ConnectionEvents>(type: K, listener: (value: ConnectionEvents[K]) => void): () => void {
    return this.emitter.on(type, listener);
  }

  start(): void {
    if (this.current !== "idle") return;
    this.open();
  }

  /** The handshake for the next (re)connect, e.g. a phone's resume secret after its single-use token. */
  setHandshake(handshake: Handshake): void {
    this.handshake = handshake;
  }

  /** Skip the backoff wait (the browser came back online, the tab became visible). */
  retryNow(): void {
    if (this.current !== "retrying") return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.open();
  }

  /**
   * The socket is presumed dead (no answer to a ping, the browser went offline): let go of it
   * without waiting for a close that a half-open connection never delivers, and reconnect.
   */
  drop(): void {
    const socket = this.socket;
    if (!socket || this.final) return;
    this.socket = null;
    socket.onclose = socket.onmessage = socket.onopen = socket.onerror = null;
    try {
      socket.close(CloseCode.normal, "no answer");
    } catch {
      // already closing
    }
    this.acks.rejectSent();
    this.scheduleRetry();
  }

  stop(): void {
    this.final = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onopen = socket.onerror = null;
      socket.close(CloseCode.normal, "bye");
    }
    this.queue = [];
    this.acks.rejectAll("stopped");
    this.setState("stopped");
  }

  /** Sends now when ready, else queues until the next handshake succeeds. */
  send(frame: ClientFrame): void {
    if (this.current === "stopped") return;
    if (this.current === "ready") this.write(frame);
    else this.queue.push({ frame });
  }

  /** Sends a frame that carries an id and resolves with its ACK, parsed as that request's answer (check `ack.error`). */
  request<F extends RequestFrame>(frame: F, timeoutMs = this.options.ackTimeoutMs ?? 10_000): Promise<Ack<F["type"]>> {
    const id = requestId(frame);
    if (!id) return Promise.reject(new Error(`${frame.type} needs an id to be acknowledged`));
    if (this.current === "stopped") return Promise.reject(new AckFailure("stopped", id));
    const promise = this.acks.wait<F["type"]>(frame.type, id, timeoutMs, () => {
      this.queue = this.queue.filter((q) => q.id !== id);
    });
    if (this.current === "ready") {
      this.write(frame);
      this.acks.markSent(id);
    } else {
      this.queue.push({ frame, id });
    }
    return promise;
  }

  private open(): void {
    this.setState("connecting");
    let socket: SocketLike;
    try {
      socket = (this.options.createSocket ?? browserSocket)(this.options.url);
    } catch (error) {
      console.error("easyqr: cannot open a socket", error);
      return this.scheduleRetry();
    }
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify(this.handshake));
    socket.onmessage = (message) => this.receive(message.data);
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.acks.rejectSent();
      if (event.code === CloseCode.sessionEnded) this.final = true;
      if (this.final) return this.stop();
      this.scheduleRetry();
    };
  }

  private receive(data: unknown): void {
    const event = typeof data === "string" ? this.parse(parseJson(data)) : undefined;
    if (!event) {
      console.warn("easyqr: ignoring an unparseable server event", typeof data === "string" ? data.slice(0, 200) : data);
      return;
    }
    if (event.type === "ERROR") {
      this.lastError = event.error;
      if (isFatalCode(event.error.code)) {
        this.final = true;
        this.emitter.emit("fatal", event.error);
      }
    } else if (event.type === "CLOSED" || event.type === "EXPIRED") {
      this.final = true;
    } else if (this.current === "connecting") {
      this.attempt = 0;
      this.lastError = undefined;
      this.setState("ready");
      this.flush();
    }
    this.emitter.emit("event", event);
  }

  /** An ACK of a request waiting here settles it, parsed as that request's answer; anything else (a late ACK too) parses as a ServerEvent. */
  private parse(frame: unknown): ServerEvent | undefined {
    const ack = AckEnvelope.safeParse(frame);
    if (ack.success && this.acks.has(ack.data.id)) return this.acks.resolve(ack.data.id, frame);
    const parsed = ServerEvent.safeParse(frame);
    return parsed.success ? parsed.data : undefined;
  }

  private flush(): void {
    const queued = this.queue;
    this.queue = [];
    for (const { frame, id } of queued) {
      this.write(frame);
      if (id) this.acks.markSent(id);
    }
  }

  private write(frame: ClientFrame): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt++, this.options.backoff ?? defaultBackoff, this.options.random);
    this.setState("retrying");
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.emitter.emit("state", state);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
