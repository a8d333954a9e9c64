import type { EncodedFrame } from "@easyqr/protocol";
import type { ChangeOrder } from "../fanout.ts";

/**
 * What one node asks the others to deliver, in the order it asked. A frame is named by its index
 * in the batch's frame list, so a group event names its text once with its member list.
 */
export type Delivery =
  /** Every socket of these users; `order`: a chat change, delivered in rev order (chatOrder.ts). */
  | { kind: "users"; frame: number; droppable: boolean; userIds: string[]; order?: ChangeOrder }
  /** A pairing session's desktop or phone (`key`: `keyOf(target)`). */
  | { kind: "pairing"; frame: number; sessionId: string; key: string }
  /** A desktop waiting to be linked; `close`: the socket is then closed with this reason (no frame: only closed). */
  | { kind: "link"; frame: number | undefined; linkId: string; close: string | undefined }
  /** The sockets of one sign-in session. */
  | { kind: "session"; frame: number; sessionId: string }
  /** Close these revoked sign-in sessions' sockets. */
  | { kind: "drop"; sessionIds: string[] }
  /** A device confirmed a relayed scan. */
  | { kind: "scanConfirmed"; targetSessionId: string; scanId: string }
  /** Events of the sending node were lost: every node tells its signed-in sockets to catch up. */
  | { kind: "resync" };

export type Batch = { node: string; deliveries: Delivery[]; frames: EncodedFrame[] };

/**
 * Builds one batch: deliveries in call order, each distinct frame (by identity) once. Consecutive
 * deliveries of the same frame to users join one record (a group event: one text, its members).
 */
export class BatchBuilder {
  private deliveries: Delivery[] = [];
  private frames: EncodedFrame[] = [];
  private readonly index = new Map<EncodedFrame, number>();

  get empty(): boolean {
    return this.deliveries.length === 0;
  }

  frame(frame: EncodedFrame): number {
    let at = this.index.get(frame);
    if (at === undefined) {
      at = this.frames.push(frame) - 1;
      this.index.set(frame, at);
    }
    return at;
  }

  toUser(userId: string, frame: EncodedFrame, droppable: boolean, order?: ChangeOrder): void {
    const at = this.frame(frame);
    const last = this.deliveries.at(-1);
    if (last?.kind === "users" && last.frame === at && last.droppable === droppable) last.userIds.push(userId);
    else this.deliveries.push({ kind: "users", frame: at, droppable, userIds: [userId], ...(order ? { order } : {}) });
  }

  add(delivery: Delivery): void {
    this.deliveries.push(delivery);
  }

  /** The batch so far, and a fresh builder state for the next one. */
  take(node: string): Batch {
    const batch = { node, deliveries: this.deliveries, frames: this.frames };
    this.deliveries = [];
    this.frames = [];
    this.index.clear();
    return batch;
  }
}

/**
 * On the wire: a JSON header (node, deliveries, each frame's length), a newline, then the frames'
 * texts back to back: the frames (JSON already) are neither parsed nor escaped again.
 */
export function encodeBatch(batch: Batch): string {
  const header = JSON.stringify({ n: batch.node, d: batch.deliveries, f: batch.frames.map((f) => f.encoded.length) });
  return `${header}\n${batch.frames.map((f) => f.encoded).join("")}`;
}

/** The batch in `text`; throws on a malformed one (only our nodes publish on the channel). */
export function decodeBatch(text: string): Batch {
  const split = text.indexOf("\n");
  if (split < 0) throw new Error("no header");
  const header = JSON.parse(text.slice(0, split)) as { n?: unknown; d?: unknown; f?: unknown };
  if (typeof header.n !== "string" || !Array.isArray(header.d) || !Array.isArray(header.f)) throw new Error("bad header");
  const frames: EncodedFrame[] = [];
  let at = split + 1;
  for (const length of header.f) {
    if (typeof length !== "number" || length < 0 || at + length > text.length) throw new Error("bad frame length");
    frames.push({ encoded: text.slice(at, at + length) });
    at += length;
  }
  return { node: header.n, deliveries: header.d as Delivery[], frames };
}
