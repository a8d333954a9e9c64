import type { ServerEvent } from "@easyqr/protocol";
import type { Target } from "../pairing/service.ts";
import type { Peer } from "./peer.ts";

/** The sockets of this process, by session and by who they are. */
export class Hub {
  private readonly sessions = new Map<string, Map<Peer, string>>();

  add(sessionId: string, key: string, peer: Peer): void {
    let peers = this.sessions.get(sessionId);
    if (!peers) this.sessions.set(sessionId, (peers = new Map<Peer, string>()));
    peers.set(peer, key);
  }

  remove(sessionId: string, peer: Peer): void {
    const peers = this.sessions.get(sessionId);
    peers?.delete(peer);
    if (peers?.size === 0) this.sessions.delete(sessionId);
  }

  publish(sessionId: string, target: Target, event: ServerEvent): void {
    const key = keyOf(target);
    for (const [peer, peerKey] of this.sessions.get(sessionId) ?? []) if (peerKey === key) peer.send(event);
  }

  get size(): number {
    let count = 0;
    for (const peers of this.sessions.values()) count += peers.size;
    return count;
  }
}

export function keyOf(target: Target): string {
  return target.role === "desktop" ? "desktop" : `phone:${target.phoneId}`;
}
