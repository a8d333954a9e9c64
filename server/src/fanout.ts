import { encodeFrame, type EncodedFrame, type ServerEvent } from "@easyqr/protocol";

/**
 * Delivers an event to every open socket of a user (phone, desktop, tabs): `Sockets.toUser`, this
 * node's Hub in process (`realtime/sockets.ts`), and in cluster mode also every other node's
 * (`cluster/bus.ts`, one Redis publish per event-loop turn). The services that publish (chat, contacts, presence) know only this
 * type, not the sockets. `droppable` events (presence, typing) may be skipped for a reader that is
 * far behind; `except` is the socket that made the change (it gets an ACK instead).
 */
export type FanoutOptions = {
  droppable?: boolean;
  except?: object | undefined;
  /** A chat change (MESSAGE, MESSAGE_UPDATED): its chat and rev, by which cluster mode keeps a chat's changes in order across nodes. */
  order?: ChangeOrder | undefined;
};
/**
 * A chat change's place in its chat: `rev`, and `prevAt`, when the rev before it moved (`chats.rev_at`
 * as the writer read it under the chat's lock; 0 for none). A node that does not know the chat yet
 * waits for the predecessor only when it moved recently, so it may still be on its way (ADR 0009).
 */
export type ChangeOrder = { chatId: string; rev: number; prevAt: number };
/**
 * When a chat's rev moves, for `chats.rev_at`: the wall clock, not the app's `Clock` (which tests
 * move), since a node receiving the change compares it with its own wall clock.
 */
export const revMovedAt = (): number => Date.now();
/**
 * Runs what answers a chat change (its ACK to the socket that made it) in the chat's rev order on
 * this node: in process at once; in cluster mode after the changes before it, which may still be on
 * their way from another node, so an ACK of rev 7 never reaches a socket before rev 6.
 */
export type InOrder = (order: ChangeOrder, run: () => void) => void;
export type UserFanout = (userId: string, event: ServerEvent | EncodedFrame, options?: FanoutOptions) => void;

/**
 * Sends one event to many users (a group's members): serialised once, the same text to every
 * socket (ADR 0008 decision 5).
 */
export function fanoutToAll(fanout: UserFanout, userIds: Iterable<string>, event: ServerEvent | EncodedFrame, options?: FanoutOptions): void {
  const frame = "encoded" in event ? event : encodeFrame(event);
  for (const userId of userIds) fanout(userId, frame, options);
}
