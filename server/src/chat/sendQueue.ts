import type { SendItem } from "./send.ts";

/**
 * Adaptive group commit: a batch leaves as soon as a writer is free, never after a fixed wait.
 * SEND frames wait only for the rest of the event-loop turn (`setImmediate`: the frames read in the
 * same turn go together), then go to the database as one transaction (at most `batchSize`), in the
 * order they came. Up to `concurrency` batches are in flight at once (PostgreSQL overlaps their
 * round trips; SQLite has one writer, so 1); while all are, new frames gather, and the first batch
 * to finish takes them all. So a quiet server commits each send at once, and a busy one commits
 * batches as large as the load makes them. Acks leave only after their batch commits.
 *
 * Past `backlog` waiting items the queue is full: `push` says so, and the caller stops reading
 * the socket that pushed (`whenRoom` tells it when the backlog has halved). Offered more than the
 * database commits, the surplus then waits in the kernel's socket buffers and the clients' send
 * windows, not as parsed frames in this process's heap.
 */
export class SendQueue {
  private queue: SendItem[] = [];
  private inFlight = 0;
  private soon = false;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly write: (items: SendItem[]) => Promise<void>,
    private readonly batchSize: number,
    private readonly concurrency: number = 1,
    private readonly backlog: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Queues `item`; false when the queue is full (the item is queued all the same). */
  push(item: SendItem): boolean {
    this.queue.push(item);
    // With every batch in flight, the next to finish starts the next one.
    if (!this.soon && this.inFlight < this.concurrency) {
      this.soon = true;
      setImmediate(() => {
        this.soon = false;
        this.pump();
      });
    }
    return this.queue.length < this.backlog;
  }

  /** Runs `resume` once the backlog is down to half of its limit. */
  whenRoom(resume: () => void): void {
    this.waiting.push(resume);
  }

  get size(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.concurrency) {
      const batch = this.queue.length <= this.batchSize ? this.queue : this.queue.slice(0, this.batchSize);
      this.queue = this.queue.length <= this.batchSize ? [] : this.queue.slice(this.batchSize);
      this.inFlight += 1;
      if (this.waiting.length > 0 && this.queue.length <= this.backlog / 2) {
        const resumes = this.waiting;
        this.waiting = [];
        for (const resume of resumes) resume();
      }
      // sendBatch answers every item itself, failures included.
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }
}
