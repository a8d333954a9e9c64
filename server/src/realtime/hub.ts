import { encodeFrame, isMessageFrame, type EncodedFrame, type ServerEvent } from "@easyqr/protocol";
import type { Target } from "../pairing/service.ts";
import type { FanoutOptions } from "../fanout.ts";
import type { Peer } from "./peer.ts";
import { PeerGroups } from "./peerGroups.ts";

/** Told when a sign-in session or a link gets its first socket here, and when its last one closes (cluster mode's directory). */
export type HubWatch = (id: string, here: boolean) => void;

/** The sockets of this process: pairing sockets by session and role, user sockets by user and sign-in session. */
export class Hub {
  private watcher: HubWatch | undefined;
  private readonly sessions = new Map<string, Map<Peer, string>>();
  /** Signed-in sockets by user and by sign-in session; each such peer carries its `user`. */
  private readonly users = new PeerGroups();
  private readonly sessionPeers = new PeerGroups();
  private signedIn = 0;
  /** Desktops waiting to be linked, by link id (one socket each). */
  private readonly linkPeers = new Map<string, Peer>();

  watch(watcher: HubWatch): void {
    this.watcher = watcher;
  }

  addLink(linkId: string, peer: Peer): void {
    const fresh = !this.linkPeers.has(linkId);
    this.linkPeers.set(linkId, peer);
    if (fresh) this.watcher?.(linkId, true);
  }

  removeLink(linkId: string, peer: Peer): void {
    if (this.linkPeers.get(linkId) !== peer) return;
    this.linkPeers.delete(linkId);
    this.watcher?.(linkId, false);
  }

  linkPeer(linkId: string): Peer | undefined {
    return this.linkPeers.get(linkId);
  }

  /** `expiresAt`: when the session ends (it never moves), as the handshake read it. */
  addUser(userId: string, sessionId: string, expiresAt: number, peer: Peer): void {
    if (peer.user) return;
    peer.user = { userId, sessionId, expiresAt };
    this.signedIn += 1;
    this.users.add(userId, peer);
    if (this.sessionPeers.add(sessionId, peer)) this.watcher?.(sessionId, true);
  }

  removeUser(peer: Peer): void {
    const who = peer.user;
    if (!who) return;
    peer.user = undefined;
    this.signedIn -= 1;
    this.users.remove(who.userId, peer);
    if (this.sessionPeers.remove(who.sessionId, peer)) this.watcher?.(who.sessionId, false);
  }

  hasUser(userId: string): boolean {
    return this.users.has(userId);
  }

  /** MESSAGE frames handed to sockets of this process so far, one per socket (metrics). */
  messagesDelivered = 0;

  /** Sends to every socket of this user on this process (serialised once for all of them). */
  publishToUser(userId: string, event: ServerEvent | EncodedFrame, options?: FanoutOptions): void {
    if (!this.users.has(userId)) return;
    const frame = "encoded" in event ? event : encodeFrame(event);
    const message = isMessageFrame(frame);
    for (const peer of this.users.of(userId)) {
      if (peer === options?.except) continue;
      peer.send(frame, options);
      if (message) this.messagesDelivered += 1;
    }
  }

  /** Open sockets by kind: signed-in people's, pairing (desktops and phones), desktops waiting to be linked. */
  counts(): { users: number; pairing: number; link: number } {
    let pairing = 0;
    for (const peers of this.sessions.values()) pairing += peers.size;
    return { users: this.signedIn, pairing, link: this.linkPeers.size };
  }

  /** The pairing sessions with a socket here. */
  pairingSessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  /** The sign-in sessions with a socket here. */
  userSessionIds(): string[] {
    return this.sessionPeers.keys();
  }

  /** The sign-in sessions with a socket here that have ended by `now`. */
  sessionsExpiredBy(now: number): string[] {
    const expired = new Set<string>();
    for (const peer of this.users.all()) if (peer.user && peer.user.expiresAt <= now) expired.add(peer.user.sessionId);
    return [...expired];
  }

  /** The sign-in sessions and links with a socket here (what the hub's watcher was told of). */
  watchedIds(): string[] {
    return [...this.sessionPeers.keys(), ...this.linkPeers.keys()];
  }

  /** Sends to every signed-in socket here (RESYNC after the nodes lost each other). */
  publishToAllUsers(event: ServerEvent): void {
    const frame = encodeFrame(event);
    for (const peer of this.users.all()) peer.send(frame);
  }

  peersOfSessions(sessionIds: readonly string[]): Peer[] {
    return sessionIds.flatMap((id) => [...this.sessionPeers.of(id)]);
  }

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

  publish(sessionId: string, target: Target, event: ServerEvent | EncodedFrame): void {
    this.publishToKey(sessionId, keyOf(target), event);
  }

  /** `key`: a target as `keyOf` names it. */
  publishToKey(sessionId: string, key: string, event: ServerEvent | EncodedFrame): void {
    for (const [peer, peerKey] of this.sessions.get(sessionId) ?? []) if (peerKey === key) peer.send(event);
  }
}

export function keyOf(target: Target): string {
  return target.role === "desktop" ? "desktop" : `phone:${target.phoneId}`;
}
