/** How long a node holds a chat's change while the one before it is still on its way from another node. */
export const ORDER_HOLD_MS = 250;
/** A chat not heard of for this long is forgotten (its next change is delivered at once). */
const FORGET_AFTER_MS = 30_000;
/** More changes than this waiting in one chat: released at once (a writer far ahead, or a lost predecessor). */
const MAX_HELD = 256;

type ChatState = { last: number; held: Map<number, (() => void)[]>; timer: NodeJS.Timeout | undefined; seenAt: number; draining: boolean };

/**
 * Per-chat order across nodes (ADR 0009): a chat's changes are numbered by `rev` in the database,
 * but two nodes writing the same chat publish independently, so rev 6 can reach a third node
 * before rev 5. Each node passes every change it delivers (its own and the others') through here:
 * the next rev goes at once, a later one waits for its predecessors at most ORDER_HOLD_MS, then
 * everything held goes in rev order (the client's rev rule and SYNC cover a change that never came).
 * The same rev delivered again (more of its audience) goes at once.
 */
export class ChatOrder {
  private readonly chats = new Map<string, ChatState>();
  private readonly sweeper: NodeJS.Timeout;
  /** Changes that waited for a predecessor, and holds that ran out before it came. */
  readonly counts = { held: 0, timedOut: 0 };

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), FORGET_AFTER_MS);
    this.sweeper.unref();
  }

  deliver(chatId: string, rev: number, run: () => void): void {
    const now = Date.now();
    const state = this.chats.get(chatId);
    if (!state) {
      this.chats.set(chatId, { last: rev, held: new Map(), timer: undefined, seenAt: now, draining: false });
      return run();
    }
    state.seenAt = now;
    if (rev <= state.last) return run();
    if (rev === state.last + 1) {
      state.last = rev;
      run();
      // One change goes out as several calls (the ACK, the author's other devices, each reader), all
      // in this turn: what waits behind it goes after the last of them, not after the first.
      if (state.held.size > 0 && !state.draining) {
        state.draining = true;
        queueMicrotask(() => {
          state.draining = false;
          this.drain(state);
        });
      }
      return;
    }
    this.counts.held += 1;
    const waiting = state.held.get(rev);
    if (waiting) waiting.push(run);
    else state.held.set(rev, [run]);
    if (state.held.size > MAX_HELD) return this.release(state);
    state.timer ??= setTimeout(() => {
      this.counts.timedOut += 1;
      this.release(state);
    }, ORDER_HOLD_MS);
  }

  /**
   * A change nobody here hears: it still moves the chat on (what waits for it goes), and the chat
   * stays known, so a later change that overtakes one still on its way is held for it.
   */
  skip(chatId: string, rev: number): void {
    this.deliver(chatId, rev, () => undefined);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const state of this.chats.values()) this.release(state);
  }

  private drain(state: ChatState): void {
    for (let next = state.held.get(state.last + 1); next; next = state.held.get(state.last + 1)) {
      state.held.delete(state.last + 1);
      state.last += 1;
      for (const run of next) run();
    }
    if (state.held.size === 0 && state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
  }

  /** Everything held goes, in rev order; the chat goes on from the highest. */
  private release(state: ChatState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    const revs = [...state.held.keys()].sort((x, y) => x - y);
    const runs = revs.flatMap((rev) => state.held.get(rev) ?? []);
    state.held.clear();
    state.last = Math.max(state.last, ...revs);
    for (const run of runs) run();
  }

  private sweep(): void {
    const before = Date.now() - FORGET_AFTER_MS;
    for (const [chatId, state] of this.chats) if (state.seenAt < before && state.held.size === 0) this.chats.delete(chatId);
  }
}
