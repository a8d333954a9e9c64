import { CloseCode, type EncodedFrame, type ServerEvent } from "@easyqr/protocol";
import type { FanoutOptions, InOrder, UserFanout } from "../fanout.ts";
import type { Publish, Target } from "../pairing/service.ts";
import type { Hub } from "./hub.ts";

/**
 * Every way the server reaches a socket after its handshake. In process (`localSockets`) it is this
 * node's Hub; in cluster mode (`cluster/`) the same calls also reach the sockets on the other nodes.
 */
export type Sockets = {
  /** Every socket of a user (phone, desktop, tabs). */
  toUser: UserFanout;
  /** The answer to a chat change, in the chat's rev order with the changes `toUser` delivers. */
  inOrder: InOrder;
  /** A pairing session's desktop or one of its phones. */
  toPairing: Publish;
  /** A desktop waiting to be linked; `end` closes its socket after `event`. */
  toLink: (linkId: string, event: ServerEvent | undefined, end: boolean) => void;
  /** The sockets of one sign-in session (a device). */
  toSession: (sessionId: string, event: ServerEvent) => void;
  /** Which of these sign-in sessions or links have a socket open (on any node). */
  online: (ids: readonly string[]) => Promise<Set<string>>;
  /** Closes every socket of these revoked sign-in sessions, wherever they are. */
  dropSessions: (sessionIds: readonly string[]) => void;
  /** A device confirmed a relayed scan: the phone waiting for it is answered, wherever it is. */
  scanConfirmed: (targetSessionId: string, scanId: string) => void;
};

/** What a node does with an event that reached it: its own gateway's and scan relay's parts. */
export type LocalHandlers = {
  dropSessions(sessionIds: readonly string[]): void;
  scanConfirmed(targetSessionId: string, scanId: string): void;
};

/** Today's single-process delivery: straight to this node's Hub, nothing serialised twice. */
export function localSockets(hub: Hub, handlers: LocalHandlers): Sockets {
  return {
    toUser: (userId: string, event: ServerEvent | EncodedFrame, options?: FanoutOptions) => hub.publishToUser(userId, event, options),
    inOrder: (_order, run) => run(),
    toPairing: (sessionId: string, target: Target, event: ServerEvent) => hub.publish(sessionId, target, event),
    toLink: (linkId, event, end) => toLinkPeer(hub, linkId, event, end ? closeReason(event) : undefined),
    toSession(sessionId, event) {
      for (const peer of hub.peersOfSessions([sessionId])) peer.send(event);
    },
    online: (ids) => Promise.resolve(new Set(ids.filter((id) => hub.peersOfSessions([id]).length > 0 || hub.linkPeer(id) !== undefined))),
    dropSessions: (sessionIds) => handlers.dropSessions(sessionIds),
    scanConfirmed: (targetSessionId, scanId) => handlers.scanConfirmed(targetSessionId, scanId),
  };
}

/** A link's desktop socket, if it is on this node: the frame, then the close (normal, with `close` as reason). */
export function toLinkPeer(hub: Hub, linkId: string, frame: ServerEvent | EncodedFrame | undefined, close: string | undefined): void {
  const peer = hub.linkPeer(linkId);
  if (!peer) return;
  if (frame) peer.send(frame);
  if (close !== undefined) peer.socket.close(CloseCode.normal, close);
}

/** The reason a link socket is closed with: the last event's type, or LINKED when it was redeemed. */
export function closeReason(event: ServerEvent | undefined): string {
  return event?.type ?? "LINKED";
}
