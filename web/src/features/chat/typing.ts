/** Renew "typing" this often while the user types (the server's indicator lasts TYPING_TTL_MS). */
export const TYPING_EVERY_MS = 3_000;

/**
 * Turns keystrokes into TYPING frames: `true` at the first key and at most once every 3 s after,
 * `false` once when the text is emptied, sent or the field loses focus.
 */
export class TypingSender {
  private lastSent = 0;
  private active = false;

  constructor(
    private readonly send: (typing: boolean) => void,
    private readonly now: () => number = Date.now,
    private readonly everyMs = TYPING_EVERY_MS,
  ) {}

  input(text: string): void {
    if (!text.trim()) return this.stop();
    const now = this.now();
    if (this.active && now - this.lastSent < this.everyMs) return;
    this.active = true;
    this.lastSent = now;
    this.send(true);
  }

  stop(): void {
    if (!this.active) return;
    this.active = false;
    this.send(false);
  }
}
