import type { ChangeOrder } from "../fanout.ts";

/** How long a node holds a chat's change while the one before it is still on its way from another node. */
export const ORDER_HOLD_MS = 250;
/**
 * A change whose predecessor moved less than this long ago may have overtaken it. A publish takes
 * milliseconds, but a loaded node's event loop can sit on one for a second or more. Every node hears
 * every change (one bus channel), so a chat unknown here whose predecessor moved this recently means
 * that change is still on its way; a forgotten chat's predecessor is older than FORGET_AFTER_MS, so
 * this stays well under it and a quiet chat's next change still goes at once.
 */
export const IN_FLIGHT_MS = 10_000;
/** A chat not heard of for this long is forgotten (its next change goes at once unless its predecessor is in flight). */
const FORGET_AFTER_MS = 30_000;
/** More changes than this waiting in one chat: released at once (a writer far ahead, or a lost predecessor). */
const MAX_HELD = 256;

/** `last`: the rev this node delivered last; undefined while the chat is new here and its first changes wait. */
type ChatState = { last: number | undefined; held: Map<number, (() => void)[]>; timer: NodeJS.Timeout | undefined; seenAt: number; draining: boolean };

/**
 * Per-chat order across nodes (ADR 0009): a chat's changes are numbered by `rev` in the database,
 * but two nodes writing the same chat publish independently, so rev 6 can reach a third node
 * before rev 5. Each node passes every change it delivers (its own and the others') through here:
 * the next rev goes at once, a later one waits for its predecessors at most ORDER_HOLD_MS, then
 * everything held goes in rev order (the client's rev rule and SYNC cover a change that never came).
 * The same rev delivered again (more of its audience) goes at once.
 *
 * A chat this node does not know (new here, or forgotten) has no last rev to compare with: its
 * change goes at once when the predecessor moved long ago (`prevAt`: it cannot still be on its way,
 * so no delay after a quiet spell), and waits like any other when it moved within IN_FLIGHT_MS.
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

  deliver({ chatId, rev, prevAt }: ChangeOrder, run: () => void): void {
    const now = Date.now();
    let state = this.chats.get(chatId);
    if (!state) {
      state = { last: undefined, held: new Map(), timer: undefined, seenAt: now, draining: false };
      this.chats.set(chatId, state);
    }
    state.seenAt = now;
    const inFlight = now - prevAt < IN_FLIGHT_MS;
    if (state.last === undefined ? !inFlight : rev === state.last + 1) return this.goAndDrain(state, rev, run);
    if (state.last !== undefined && rev <= state.last) return run();
    this.hold(state, rev, run);
  }

  /**
   * A change nobody here hears: it still moves the chat on (what waits for it goes), and the chat
   * stays known, so a later change that overtakes one still on its way is held for it.
   */
  skip(order: ChangeOrder): void {
    this.deliver(order, () => undefined);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const state of this.chats.values()) this.release(state);
  }

  private goAndDrain(state: ChatState, rev: number, run: () => void): void {
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
  }

  private hold(state: ChatState, rev: number, run: () => void): void {
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

  private drain(state: ChatState): void {
    if (state.last === undefined) return;
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
    const highest = revs.at(-1);
    if (highest !== undefined) state.last = Math.max(state.last ?? highest, highest);
    for (const run of runs) run();
  }

  private sweep(): void {
    const before = Date.now() - FORGET_AFTER_MS;
    for (const [chatId, state] of this.chats) if (state.seenAt < before && state.held.size === 0) this.chats.delete(chatId);
  }
}
