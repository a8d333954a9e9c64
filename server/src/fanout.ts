import type { ServerEvent } from "@easyqr/protocol";

/** An event serialised once, for sending the same text to many sockets. */
export type Encoded = { readonly encoded: string };

/**
 * Delivers an event to every open socket of a user (phone, desktop, tabs). Services publish
 * through it; realtime implements it (in process: this node's Hub, realtime/fanout.ts; cluster
 * mode puts Redis pub/sub behind the same function so every node's sockets get it).
 * `droppable` events (presence, typing) may be skipped for a reader that is far behind; `except`
 * is the socket that made the change (it gets an ACK instead).
 */
export type FanoutOptions = { droppable?: boolean; except?: object | undefined };
export type UserFanout = (userId: string, event: ServerEvent | Encoded, options?: FanoutOptions) => void;
