/**
 * Lets a code through once while it stays in view: the same text is ignored
 * until it has not been seen for `windowMs` (each sighting restarts the wait).
 */
export class RepeatFilter {
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly windowMs = 2000) {}

  accept(text: string, now: number): boolean {
    const previous = this.lastSeen.get(text);
    this.lastSeen.set(text, now);
    if (this.lastSeen.size > 200) this.prune(now);
    return previous === undefined || now - previous >= this.windowMs;
  }

  private prune(now: number): void {
    for (const [text, seen] of this.lastSeen) if (now - seen >= this.windowMs) this.lastSeen.delete(text);
  }
}
