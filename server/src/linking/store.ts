import type { Link } from "./link.ts";

/**
 * Where links live: in process on one server (links last minutes and belong to one desktop socket);
 * a Redis implementation with the same contract serves cluster mode (issue 17). `update` is atomic
 * per link: of concurrent changes, each sees the one before. The store indexes every link's refs
 * and codes itself.
 */
export type LinkStore = {
  create(link: Link): Promise<void>;
  get(id: string): Promise<Link | undefined>;
  /**
   * Applies `change` to the stored link; returns its result, or undefined when the link is gone. If `change` throws,
   * nothing is stored. `change` may run more than once (a store shared by nodes runs it again after a
   * conflicting write), so it changes only its draft and says the rest in its result.
   */
  update<T>(id: string, change: (link: Link) => T): Promise<T | undefined>;
  delete(id: string): Promise<void>;
  idByRef(ref: string): Promise<string | undefined>;
  idByCode(code: string): Promise<string | undefined>;
  /** Links with a deadline (state timeout or rotation) at or before `now`. */
  dueIds(now: number): Promise<string[]>;
  countPendingByIp(ip: string): Promise<number>;
};

export class MemoryLinkStore implements LinkStore {
  private readonly links = new Map<string, Link>();
  private readonly refs = new Map<string, string>();
  private readonly codes = new Map<string, string>();

  create(link: Link): Promise<void> {
    this.put(structuredClone(link));
    return Promise.resolve();
  }

  get(id: string): Promise<Link | undefined> {
    const link = this.links.get(id);
    return Promise.resolve(link && structuredClone(link));
  }

  update<T>(id: string, change: (link: Link) => T): Promise<T | undefined> {
    const stored = this.links.get(id);
    if (!stored) return Promise.resolve(undefined);
    try {
      const draft = structuredClone(stored);
      const result = change(draft);
      this.unindex(stored);
      this.put(draft);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  delete(id: string): Promise<void> {
    const stored = this.links.get(id);
    if (stored) this.unindex(stored);
    this.links.delete(id);
    return Promise.resolve();
  }

  idByRef(ref: string): Promise<string | undefined> {
    return Promise.resolve(this.refs.get(ref));
  }

  idByCode(code: string): Promise<string | undefined> {
    return Promise.resolve(this.codes.get(code));
  }

  dueIds(now: number): Promise<string[]> {
    const due: string[] = [];
    for (const [id, link] of this.links) if (link.expiresAt <= now || (link.state === "pending" && link.rotatesAt <= now)) due.push(id);
    return Promise.resolve(due);
  }

  countPendingByIp(ip: string): Promise<number> {
    let count = 0;
    for (const link of this.links.values()) if (link.state === "pending" && link.ip === ip) count++;
    return Promise.resolve(count);
  }

  get size(): number {
    return this.links.size;
  }

  private put(link: Link): void {
    this.links.set(link.id, link);
    for (const issued of link.refs) {
      this.refs.set(issued.ref, link.id);
      this.codes.set(issued.code, link.id);
    }
  }

  private unindex(link: Link): void {
    for (const issued of link.refs) {
      if (this.refs.get(issued.ref) === link.id) this.refs.delete(issued.ref);
      if (this.codes.get(issued.code) === link.id) this.codes.delete(issued.code);
    }
  }
}
