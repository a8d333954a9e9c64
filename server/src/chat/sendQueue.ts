import type { SendItem } from "./send.ts";

/**
 * Adaptive group commit: a batch leaves as soon as a writer is free, never after a fixed wait.
 * SEND frames wait only for the rest of the event-loop turn (`setImmediate`: the frames read in the
 * same turn go together), then go to the database as one transaction (at most `batchSize`), in the
 * order they came. Up to `concurrency` batches are in flight at once (PostgreSQL overlaps their
 * round trips; SQLite has one writer, so 1); while all are, new frames gather, and the first batch
 * to finish takes them all. So a quiet server commits each send at once, and a busy one commits
 * batches as large as the load makes them. Acks leave only after their batch commits.
 */
export class SendQueue {
  private queue: SendItem[] = [];
  private inFlight = 0;
  private soon = false;

  constructor(
    private readonly write: (items: SendItem[]) => Promise<void>,
    private readonly batchSize: number,
    private readonly concurrency: number = 1,
  ) {}

  push(item: SendItem): void {
    this.queue.push(item);
    // With every batch in flight, the next to finish starts the next one.
    if (this.soon || this.inFlight >= this.concurrency) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      this.pump();
    });
  }

  get size(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.concurrency) {
      const batch = this.queue.length <= this.batchSize ? this.queue : this.queue.slice(0, this.batchSize);
      this.queue = this.queue.length <= this.batchSize ? [] : this.queue.slice(this.batchSize);
      this.inFlight += 1;
      // sendBatch answers every item itself, failures included.
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }
}
