import type { SendItem } from "./send.ts";

/**
 * Group commit: SEND frames wait here until the event loop has read what arrived in this turn,
 * then go to the database as one transaction (at most `batchSize` at a time), in the order they
 * came. Up to `concurrency` batches are in flight at once (PostgreSQL overlaps their round trips;
 * SQLite has one writer, so 1); while all are, new frames gather for the next one. Acks leave only
 * after their batch commits. Under load a batch starts at most every `gapMs` (unless a full one is
 * waiting): each commit rewrites the index pages it touched, so a few larger batches cost much less
 * than many small ones.
 */
export class SendQueue {
  private queue: SendItem[] = [];
  private inFlight = 0;
  private startedAt = -Infinity;
  private soon = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (items: SendItem[]) => Promise<void>,
    private readonly batchSize: number,
    private readonly gapMs: number = 0,
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
      const wait = this.startedAt + this.gapMs - performance.now();
      if (wait > 0 && this.queue.length < this.batchSize) {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const batch = this.queue.length <= this.batchSize ? this.queue : this.queue.slice(0, this.batchSize);
      this.queue = this.queue.length <= this.batchSize ? [] : this.queue.slice(this.batchSize);
      this.startedAt = performance.now();
      this.inFlight += 1;
      // sendBatch answers every item itself, failures included.
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }
}
