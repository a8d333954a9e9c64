/**
 * Receipts go to the database per chat, as sends do (sendQueue.ts): a chat's receipts wait for the
 * rest of the event-loop turn, then go as one transaction (at most `batchSize`); while it is in
 * flight the chat's next receipts gather, and they go together as soon as it is done. So a quiet
 * chat writes each receipt at once, and "everyone reads at once" in a big group is a few
 * transactions, not one per reader queueing on the group's lock. Different chats never wait for
 * each other here.
 */
export class ReceiptQueue<T extends { chatId: string }> {
  private readonly waiting = new Map<string, T[]>();
  private readonly writing = new Set<string>();

  constructor(
    private readonly write: (chatId: string, items: T[]) => Promise<void>,
    private readonly batchSize: number,
  ) {}

  push(item: T): void {
    const waiting = this.waiting.get(item.chatId);
    if (waiting) return void waiting.push(item);
    this.waiting.set(item.chatId, [item]);
    // With the chat's batch in flight, its end starts the next one.
    if (!this.writing.has(item.chatId)) setImmediate(() => this.pump(item.chatId));
  }

  private pump(chatId: string): void {
    const waiting = this.waiting.get(chatId);
    if (!waiting || this.writing.has(chatId)) return;
    const batch = waiting.splice(0, this.batchSize);
    if (waiting.length === 0) this.waiting.delete(chatId);
    this.writing.add(chatId);
    // `write` answers every item itself, failures included.
    void this.write(chatId, batch).finally(() => {
      this.writing.delete(chatId);
      this.pump(chatId);
    });
  }
}
