import { parseAck, type AckOutcome, type RequestType, type ServerEventOf } from "@easyqr/protocol";

/** An ACK as answered to a request of type T (parsed with that request's schema). */
export type Ack<T extends RequestType = RequestType> = AckOutcome<T>;

/** Why a request got no ACK. */
export class AckFailure extends Error {
  constructor(
    readonly reason: "timeout" | "disconnected" | "stopped" | "duplicate",
    readonly id: string,
  ) {
    super(`no ACK for ${id}: ${reason}`);
    this.name = "AckFailure";
  }
}

type Pending = {
  request: RequestType;
  resolve: (ack: Ack) => void;
  reject: (error: AckFailure) => void;
  timer: ReturnType<typeof setTimeout>;
  sent: boolean;
};

/** Request/ack correlation by frame id, each with its own timeout; an ACK is parsed as the answer to its request. */
export class PendingAcks {
  private readonly pending = new Map<string, Pending>();

  /** Waits for the ACK of the request `id` of type `request`; `onTimeout` runs before the promise rejects (e.g. to unqueue the frame). */
  wait<T extends RequestType>(request: T, id: string, timeoutMs: number, onTimeout?: () => void): Promise<Ack<T>> {
    if (this.pending.has(id)) return Promise.reject(new AckFailure("duplicate", id));
    return new Promise<Ack<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        onTimeout?.();
        reject(new AckFailure("timeout", id));
      }, timeoutMs);
      // Settled only with parseAck(request, …), which makes an Ack<T>.
      this.pending.set(id, { request, resolve: resolve as (ack: Ack) => void, reject, timer, sent: false });
    });
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** The frame with this id went out on the current socket. */
  markSent(id: string): void {
    const entry = this.pending.get(id);
    if (entry) entry.sent = true;
  }

  /**
   * Settles the waiter of this ACK with it, parsed as the answer to its request: the ACK as
   * parsed, or undefined when nobody waits for it (late or unknown) or it is not that answer.
   */
  resolve(id: string, frame: unknown): ServerEventOf<"ACK"> | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    const ack = parseAck(entry.request, frame);
    if (!ack) return undefined;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(ack);
    return ack;
  }

  /** The socket closed: what was sent on it will never be acknowledged there. Queued frames keep waiting. */
  rejectSent(): void {
    for (const [id, entry] of this.pending) if (entry.sent) this.fail(id, entry, "disconnected");
  }

  rejectAll(reason: AckFailure["reason"]): void {
    for (const [id, entry] of this.pending) this.fail(id, entry, reason);
  }

  get size(): number {
    return this.pending.size;
  }

  private fail(id: string, entry: Pending, reason: AckFailure["reason"]): void {
    this.pending.delete(id);
    clearTimeout(entry.timer);
    entry.reject(new AckFailure(reason, id));
  }
}
