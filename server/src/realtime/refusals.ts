import type { WebSocket } from "ws";

/** How many refused frames a socket may send: a burst, then a steady rate. */
export type RefusalLimits = { burst: number; perSecond: number };

export const defaultRefusalLimits: RefusalLimits = { burst: 4, perSecond: 10 };

/**
 * A token bucket of refused frames for one socket. Refusing a frame is cheap, but a client that
 * floods them would still take the event loop from everyone else: Node reads up to ~2 MB of one
 * socket per turn, dozens of 64 KB frames handled back to back. Past its budget the socket is not
 * read until the bucket refills; its frames wait in the kernel's buffers and are answered later,
 * so the connection stays usable, only slower. Timed by the monotonic clock, not the app's clock:
 * this is transport, not business logic.
 */
export class RefusalBudget {
  private tokens: number;
  private at = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly limits: RefusalLimits,
  ) {
    this.tokens = limits.burst;
  }

  /** A frame of this socket was refused. */
  take(): void {
    this.refill();
    this.tokens -= 1;
    if (this.tokens < 0 && !this.timer) this.pauseUntilRefilled();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.at) * this.limits.perSecond) / 1000);
    this.at = now;
  }

  private pauseUntilRefilled(): void {
    this.socket.pause();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      if (this.tokens < 0) return this.pauseUntilRefilled();
      this.socket.resume();
    }, Math.ceil((-this.tokens * 1000) / this.limits.perSecond) + 1);
    this.timer.unref();
  }
}
