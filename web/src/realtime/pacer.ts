/**
 * How fast message frames (SEND, EDIT, DELETE, REACT) may leave on one socket. The server gives
 * each socket a token bucket (docs/protocol.md: 30 a second, burst 60) and refuses a frame over it
 * with RATE_LIMITED. This client keeps a smaller bucket of its own and at most `window` frames
 * without their answer, which provably stays inside the server's: frames j+1…k sent here fit
 * `burst + rate·(t_k − t_{j+window})` and the server received frame j before this client sent
 * frame j+window (it had its answer), so k − j ≤ burst + window + rate·(s_k − s_j) ≤ the server's
 * 60 + 30·(s_k − s_j) whatever the network does with the gaps.
 */
export type PacerOptions = { burst: number; perSecond: number; window: number };

export const defaultPacing: PacerOptions = { burst: 50, perSecond: 30, window: 8 };

export class Pacer {
  private tokens: number;
  private at: number;
  private inFlight = 0;
  private window: number;
  private pausedUntil = 0;
  /** Bumped by reset(): an answer from the last socket frees nothing on this one. */
  private generation = 0;

  constructor(
    private readonly options: PacerOptions = defaultPacing,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.burst;
    this.at = now();
    this.window = options.window;
  }

  /** A new socket: the server's bucket for it starts full, and nothing is in flight on it. */
  reset(): void {
    this.tokens = this.options.burst;
    this.at = this.now();
    this.inFlight = 0;
    this.window = this.options.window;
    this.pausedUntil = 0;
    this.generation += 1;
  }

  /** Milliseconds until the next frame may go: 0 now, Infinity until an answer frees the window. */
  delay(): number {
    if (this.inFlight >= this.window) return Infinity;
    this.refill();
    const now = this.now();
    const bucket = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.options.perSecond);
    return Math.max(bucket, this.pausedUntil - now, 0);
  }

  /** One frame goes now; call the returned function once its answer (or its end) comes. */
  take(): () => void {
    this.refill();
    this.tokens -= 1;
    this.inFlight += 1;
    const generation = this.generation;
    let released = false;
    return () => {
      if (released || generation !== this.generation) return;
      released = true;
      this.inFlight -= 1;
    };
  }

  /**
   * The server refused one anyway (its limits are set lower than ours): nothing goes before it
   * says, and from then on one frame at a time, so a later message is never stored before the
   * refused one is sent again.
   */
  refused(retryAfterMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.max(0, retryAfterMs));
    this.tokens = Math.min(this.tokens, 0);
    this.window = 1;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.at) * this.options.perSecond) / 1000);
    this.at = now;
  }
}
