import type { ServerEventOf } from "@easyqr/protocol";

export type Ack = ServerEventOf<"ACK">;

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
  resolve: (ack: Ack) => void;
  reject: (error: AckFailure) => void;
  timer: ReturnType<typeof setTimeout>;
  sent: boolean;
};

/** Request/ack correlation by frame id, each with its own timeout. */
export class PendingAcks {
  private readonly pending = new Map<string, Pending>();

  /** Waits for the ACK of `id`; `onTimeout` runs before the promise rejects (e.g. to unqueue the frame). */
  wait(id: string, timeoutMs: number, onTimeout?: () => void): Promise<Ack> {
    if (this.pending.has(id)) return Promise.reject(new AckFailure("duplicate", id));
    return new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        onTimeout?.();
        reject(new AckFailure("timeout", id));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, sent: false });
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

  /** Settles the waiter of this ACK; false when nobody waits for it (late or unknown). */
  resolve(ack: Ack): boolean {
    const entry = this.pending.get(ack.id);
    if (!entry) return false;
    this.pending.delete(ack.id);
    clearTimeout(entry.timer);
    entry.resolve(ack);
    return true;
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
