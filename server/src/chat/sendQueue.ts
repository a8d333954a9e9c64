import type { SendItem } from "./send.ts";

/**
 * Group commit: SEND frames wait here until the event loop has read what arrived in this turn,
 * then go to the database as one transaction (at most `batchSize` at a time). While a batch is
 * being written, new frames gather for the next one. Acks leave only after their batch commits.
 */
export class SendQueue {
  private queue: SendItem[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly write: (items: SendItem[]) => Promise<void>,
    private readonly batchSize: number,
  ) {}

  push(item: SendItem): void {
    this.queue.push(item);
    this.schedule();
  }

  get size(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.length <= this.batchSize ? this.queue : this.queue.slice(0, this.batchSize);
        this.queue = this.queue.length <= this.batchSize ? [] : this.queue.slice(this.batchSize);
        // sendBatch answers every item itself, failures included.
        await this.write(batch);
      }
    } finally {
      this.running = false;
    }
  }
}
