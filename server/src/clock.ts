/** Time as the server sees it; tests pass a clock they can move. */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  constructor(private time = Date.parse("2026-01-01T00:00:00Z")) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
