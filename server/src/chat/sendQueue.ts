import type { SendItem } from "./send.ts";

/**
 * Group commit: SEND frames wait here until the event loop has read what arrived in this turn,
 * then go to the database as one transaction (at most `batchSize` at a time). While a batch is
 * being written, new frames gather for the next one. Acks leave only after their batch commits.
 * Under load a batch starts at most every `gapMs` (unless a full one is waiting): each commit
 * rewrites the index pages it touched, so a few larger batches cost much less than many small ones.
 */
export class SendQueue {
  private queue: SendItem[] = [];
  private scheduled = false;
  private running = false;
  private startedAt = -Infinity;

  constructor(
    private readonly write: (items: SendItem[]) => Promise<void>,
    private readonly batchSize: number,
    private readonly gapMs: number = 0,
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
    const wait = this.startedAt + this.gapMs - performance.now();
    const run = () => {
      this.scheduled = false;
      void this.drain();
    };
    if (wait > 0 && this.queue.length < this.batchSize) setTimeout(run, wait);
    else setImmediate(run);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.length <= this.batchSize ? this.queue : this.queue.slice(0, this.batchSize);
        this.queue = this.queue.length <= this.batchSize ? [] : this.queue.slice(this.batchSize);
        this.startedAt = performance.now();
        // sendBatch answers every item itself, failures included.
        await this.write(batch);
        if (this.queue.length < this.batchSize && this.startedAt + this.gapMs > performance.now()) break;
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
