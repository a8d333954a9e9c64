import type { EncodedFrame, ErrorBody, ServerEvent } from "@easyqr/protocol";
import { CloseCode, encodeFrame } from "@easyqr/protocol";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";

/** Above this many unsent bytes, events that can be lost (typing, presence) are dropped. */
const SOFT_LIMIT_BYTES = 256 * 1024;
/** Above this, the reader is too slow to keep: it is disconnected and will resync. */
const HARD_LIMIT_BYTES = 4 * 1024 * 1024;

/** Connections written to in this turn of the event loop, held until it ends. */
const held = new Set<Duplex>();

function releaseHeld(): void {
  for (const stream of held) stream.uncork();
  held.clear();
}

/**
 * Frames written to one connection in the same turn (a send batch's ACKs and events) leave in one
 * write: each write to a TCP socket is a syscall, by far the largest cost of a frame here.
 */
function holdUntilTurnEnds(stream: Duplex): void {
  if (held.has(stream)) return;
  if (held.size === 0) process.nextTick(releaseHeld);
  stream.cork();
  held.add(stream);
}

/** One open socket and the only way to write to it: frames from the protocol's encoders, with backpressure. */
export class Peer {
  /** Set by the heartbeat; false means a ping is unanswered. */
  alive = true;
  /** When the client was last heard from (handshake, pong, any frame, a clean close), by the server's clock. */
  heardAt = 0;
  /** Frames of this socket that were refused (bad input, limits): only some are logged. */
  refusals = 0;
  /** Who is signed in on it, and when that session ends, while the Hub holds it as a user's socket. */
  user: { userId: string; sessionId: string; expiresAt: number } | undefined = undefined;

  /** `stream` is the connection under the WebSocket (from the HTTP upgrade). */
  constructor(
    readonly socket: WebSocket,
    private readonly stream?: Duplex,
  ) {}

  /** `frame` may come encoded already (the same text for many sockets). */
  send(frame: ServerEvent | EncodedFrame, options: { droppable?: boolean } = {}): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const buffered = this.socket.bufferedAmount;
    if (buffered > HARD_LIMIT_BYTES) {
      this.fail({ code: "SLOW_CONSUMER", message: "This connection reads too slowly; reconnect to catch up." }, CloseCode.slowConsumer);
      return;
    }
    if (options.droppable && buffered > SOFT_LIMIT_BYTES) return;
    if (this.stream) holdUntilTurnEnds(this.stream);
    this.socket.send(("encoded" in frame ? frame : encodeFrame(frame)).encoded);
  }

  /** Sends a final ERROR and closes. */
  fail(error: ErrorBody, closeCode: number = CloseCode.error): void {
    if (this.socket.readyState === this.socket.OPEN) {
      this.socket.send(encodeFrame({ type: "ERROR", error }).encoded);
      this.socket.close(closeCode, error.code);
    }
  }
}
