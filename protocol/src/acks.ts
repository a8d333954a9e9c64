import * as z from "zod/mini";
import { Message, MessageHidden, SyncResult } from "./chat.ts";
import { ErrorBody } from "./errors.ts";
import type { ClientFrame } from "./socket.ts";

/**
 * Every request frame (a client frame with an `id`; a SCAN's or SCAN_TO_DEVICE's is its scan's id) gets exactly one ACK
 * with that id: the answer named for its type in `AckOf`, or `ErrorAck` when it was refused. A
 * client parses an ACK with the schema of the request it sent (`parseAck`), never as a bag of
 * optional fields.
 */

/**
 * The fields of the answers: an ACK carries at most one of them, so every answer schema below
 * refuses the others (an ACK is exactly one answer, and any ACK reads as `ack.message`,
 * `ack.error`… without a cast).
 */
const answer = z.object({
  type: z.literal("ACK"),
  id: z.string(),
  error: z.optional(z.never()),
  seq: z.optional(z.never()),
  message: z.optional(z.never()),
  sync: z.optional(z.never()),
  hidden: z.optional(z.never()),
});

/** Done, nothing more to say. */
export const OkAck = answer;
export type OkAck = z.infer<typeof OkAck>;
/** SCAN: the stored scan's seq (the same for a resent scan). */
export const ScanAck = z.extend(answer, { seq: z.int() });
export type ScanAck = z.infer<typeof ScanAck>;
/** SEND, FORWARD, EDIT, DELETE, REACT: the message as stored (unchanged when the request changed nothing). */
export const MessageAck = z.extend(answer, { message: Message });
export type MessageAck = z.infer<typeof MessageAck>;
/** HIDE: what deleting the message for oneself changed (the same for a repeated HIDE). */
export const HideAck = z.extend(answer, { hidden: MessageHidden });
export type HideAck = z.infer<typeof HideAck>;
/** SYNC: every change since the cursors sent. */
export const SyncAck = z.extend(answer, { sync: SyncResult });
export type SyncAck = z.infer<typeof SyncAck>;
/** A refused request: the same error envelope as REST. Any request may be answered so. */
export const ErrorAck = z.extend(answer, { error: ErrorBody });
export type ErrorAck = z.infer<typeof ErrorAck>;

/** The answer each request gets when it succeeds. TYPING is the one client frame never answered. */
export const AckOf = {
  PING: OkAck,
  SCAN: ScanAck,
  SCANS_SINCE: OkAck,
  SET_MULTI_PHONE: OkAck,
  CLOSE_SESSION: OkAck,
  SEND: MessageAck,
  EDIT: MessageAck,
  DELETE: MessageAck,
  REACT: MessageAck,
  FORWARD: MessageAck,
  HIDE: HideAck,
  DELIVERED: OkAck,
  SEEN: OkAck,
  SYNC: SyncAck,
  /** The target desktop has the scan (it confirmed); DEVICE_OFFLINE when it did not in time. */
  SCAN_TO_DEVICE: OkAck,
  DEVICE_SCAN_RECEIVED: OkAck,
} as const satisfies Record<Exclude<ClientFrame["type"], "TYPING">, z.ZodMiniType>;

/** The client frames that are answered by an ACK. */
export type RequestType = keyof typeof AckOf;
export type RequestFrame = Extract<ClientFrame, { type: RequestType }>;
/** The successful answer to a request of this type. */
export type AckTo<T extends RequestType> = z.output<(typeof AckOf)[T]>;
/** What a request of this type is answered with: check `ack.error` first. */
export type AckOutcome<T extends RequestType> = AckTo<T> | ErrorAck;

/** Any ACK, for readers that do not know the request (tests, logs). */
export const AnyAck = z.union([ErrorAck, MessageAck, SyncAck, HideAck, ScanAck, OkAck]);

/** Just enough of an ACK to find the request it answers. */
export const AckEnvelope = z.object({ type: z.literal("ACK"), id: z.string() });

/** The id a request is answered under: its own `id`, or a SCAN's scan id; undefined for a frame sent without one. */
export function requestId(frame: ClientFrame): string | undefined {
  return frame.type === "SCAN" || frame.type === "SCAN_TO_DEVICE" ? frame.scan.id : "id" in frame ? frame.id : undefined;
}

/** An ACK parsed with the schema of the request it answers; undefined when it is not one. */
export function parseAck<T extends RequestType>(request: T, value: unknown): AckOutcome<T> | undefined;
export function parseAck(request: RequestType, value: unknown): AckOutcome<RequestType> | undefined {
  const refused = ErrorAck.safeParse(value);
  if (refused.success) return refused.data;
  const answer = AckOf[request].safeParse(value);
  return answer.success ? answer.data : undefined;
}
