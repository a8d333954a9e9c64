import { MAX_SEARCH_CHARS, searchTerms, type SearchHit, type SearchPage } from "@easyqr/protocol";

export type MessageResults =
  | { status: "idle" }
  | { status: "loading"; q: string; hits: SearchHit[] }
  | { status: "done"; q: string; hits: SearchHit[]; next: string | null }
  | { status: "failed"; q: string; hits: SearchHit[]; error: unknown };

export type SearchFetch = (q: string, before: string | undefined, signal: AbortSignal) => Promise<SearchPage>;

/** What the server is asked: the typed text when it has a word of two characters or more, else nothing. */
export function searchable(text: string): string | undefined {
  const q = text.trim().slice(0, MAX_SEARCH_CHARS);
  return searchTerms(q).some((t) => t.length >= 2) ? q : undefined;
}

/**
 * Message search as the person types: the server is asked `delayMs` after the last key, and a
 * request still on its way when the text changes is aborted, so an older answer never replaces a
 * newer one. `publish` gets every state.
 */
export class MessageSearch {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: AbortController | undefined;
  private state: MessageResults = { status: "idle" };

  constructor(
    private readonly fetchPage: SearchFetch,
    private readonly publish: (results: MessageResults) => void,
    private readonly delayMs = 250,
  ) {}

  /** The text in the box changed. */
  type(text: string): void {
    const q = searchable(text);
    this.cancel();
    if (q === undefined) return this.set({ status: "idle" });
    this.set({ status: "loading", q, hits: [] });
    this.timer = setTimeout(() => void this.load(q, undefined), this.delayMs);
  }

  /** The next page of the current results. */
  more(): void {
    const state = this.state;
    if (state.status !== "done" || state.next === null || this.running) return;
    void this.load(state.q, state.next);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.running?.abort();
    this.running = undefined;
  }

  private async load(q: string, before: string | undefined): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    const earlier = before === undefined ? [] : this.state.status === "idle" ? [] : this.state.hits;
    try {
      const page = await this.fetchPage(q, before, controller.signal);
      if (controller.signal.aborted) return;
      this.set({ status: "done", q, hits: [...earlier, ...page.hits], next: page.next });
    } catch (error) {
      if (controller.signal.aborted) return;
      this.set({ status: "failed", q, hits: earlier, error });
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  private set(state: MessageResults): void {
    this.state = state;
    this.publish(state);
  }
}
