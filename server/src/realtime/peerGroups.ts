import type { Peer } from "./peer.ts";

/**
 * Peers by a key (a user, a sign-in session): one peer alone, the common case (a session has one
 * socket, most people one or two devices), or a Set when there are more. An idle signed-in socket
 * is kept in two of these; a Set of one costs about 180 bytes more than the peer itself.
 */
export class PeerGroups {
  private readonly groups = new Map<string, Peer | Set<Peer>>();

  /** Adds the peer; true when the key had none before. */
  add(key: string, peer: Peer): boolean {
    const group = this.groups.get(key);
    if (group === undefined) {
      this.groups.set(key, peer);
      return true;
    }
    if (group instanceof Set) group.add(peer);
    else if (group !== peer) this.groups.set(key, new Set([group, peer]));
    return false;
  }

  /** Removes the peer; true when the key has none left. */
  remove(key: string, peer: Peer): boolean {
    const group = this.groups.get(key);
    if (group === undefined) return false;
    if (group instanceof Set) {
      group.delete(peer);
      if (group.size > 1) return false;
      const [last] = group;
      if (last) this.groups.set(key, last);
      else this.groups.delete(key);
      return last === undefined;
    }
    if (group !== peer) return false;
    this.groups.delete(key);
    return true;
  }

  has(key: string): boolean {
    return this.groups.has(key);
  }

  /** The peers of a key (none when it has none). */
  of(key: string): Iterable<Peer> {
    const group = this.groups.get(key);
    return group === undefined ? [] : group instanceof Set ? group : [group];
  }

  keys(): string[] {
    return [...this.groups.keys()];
  }

  *all(): Iterable<Peer> {
    for (const group of this.groups.values()) {
      if (group instanceof Set) yield* group;
      else yield group;
    }
  }
}
