/** A tiny observable state holder for `useSyncExternalStore`: immutable snapshots, replaced on change. */
export class Store<T extends object> {
  private readonly listeners = new Set<() => void>();

  constructor(private current: T) {}

  get snapshot(): T {
    return this.current;
  }

  readonly getSnapshot = (): T => this.current;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  protected patch(change: Partial<T>): void {
    this.current = { ...this.current, ...change };
    for (const listener of [...this.listeners]) listener();
  }
}
