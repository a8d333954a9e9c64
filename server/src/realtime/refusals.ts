import type { WebSocket } from "ws";

/**
 * How fast refused frames are read: per socket, a burst of frames then a steady rate; per node, a
 * burst of bytes then a steady rate, shared by every socket.
 */
export type RefusalLimits = { burst: number; perSecond: number; nodeBurstBytes: number; nodeBytesPerSecond: number };

export const defaultRefusalLimits: RefusalLimits = { burst: 4, perSecond: 10, nodeBurstBytes: 1024 * 1024, nodeBytesPerSecond: 256 * 1024 };

/** A refused frame costs at least this many bytes of the node's budget: tiny frames still cost a parse. */
const MIN_FRAME_COST = 1024;

/**
 * Slows down sockets that send frames the server refuses. Refusing one frame is cheap, but a flood
 * still takes the event loop from everyone: Node reads up to ~2 MB of one socket per turn, and the
 * garbage of tens of megabytes a second of refused bytes costs long collections. Past its budget a
 * socket is not read until its turn comes again; its frames wait in the kernel's buffers and are
 * answered later, so the connection stays usable, only slower. The per-socket budget bounds one
 * socket; the node's budget bounds many sockets together (several accounts attacking at once):
 * refused bytes queue for it in the order they came. Honest clients, whose frames are not refused,
 * are read at full speed throughout. Timed by the monotonic clock: this is transport, not business
 * logic.
 */
export class Refusals {
  private readonly node: Schedule;
  private readonly sockets = new Map<WebSocket, Socket>();

  constructor(private readonly limits: RefusalLimits) {
    this.node = new Schedule(limits.nodeBytesPerSecond, limits.nodeBurstBytes);
  }

  /** A frame of `bytes` from this socket was refused. */
  refused(socket: WebSocket, bytes: number): void {
    let state = this.sockets.get(socket);
    if (!state) this.sockets.set(socket, (state = { schedule: new Schedule(this.limits.perSecond, this.limits.burst), resumeAt: 0 }));
    const now = performance.now();
    const wait = Math.max(state.schedule.take(1, now), this.node.take(Math.max(bytes, MIN_FRAME_COST), now));
    if (wait <= 0 || now + wait <= state.resumeAt) return;
    state.resumeAt = now + wait;
    clearTimeout(state.timer);
    socket.pause();
    state.timer = setTimeout(() => {
      state.timer = undefined;
      socket.resume();
    }, Math.ceil(wait));
    state.timer.unref();
  }

  /** The socket closed. */
  forget(socket: WebSocket): void {
    clearTimeout(this.sockets.get(socket)?.timer);
    this.sockets.delete(socket);
  }
}

type Socket = { schedule: Schedule; resumeAt: number; timer?: NodeJS.Timeout };

/**
 * A rate with a burst, as the generic cell rate algorithm keeps it: one number, the time at which
 * the costs taken so far will have been paid at `perSecond`. A cost may be taken at once while that
 * time is less than a burst ahead; otherwise it waits until it is.
 */
class Schedule {
  private paidAt = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes `cost` now; returns how many milliseconds the taker should wait before the next. */
  take(cost: number, now: number): number {
    this.paidAt = Math.max(this.paidAt, now) + (cost * 1000) / this.perSecond;
    return this.paidAt - now - (this.burst * 1000) / this.perSecond;
  }
}
