import type { Message } from "./chat.ts";
import type { ServerEvent } from "./socket.ts";

/** A server frame as the text that goes on the wire, made only by the two encoders below. */
export type EncodedFrame = { readonly encoded: string };

/** Any server frame (serialise once, send to many sockets). */
export function encodeFrame(frame: ServerEvent): EncodedFrame {
  return { encoded: JSON.stringify(frame) };
}

/**
 * The frames that carry one newly stored message, made by the send path's encoder: the message is
 * serialised once and spliced into its ACK and its MESSAGE, so a batch costs one `JSON.stringify`
 * per message, not one per frame. The text is exactly what `encodeFrame` makes of the same frames
 * (a unit test holds that). A class, not closures: nothing is allocated per message but the text.
 */
export class MessageFrames {
  private readonly json: string;

  constructor(message: Message) {
    this.json = JSON.stringify(message);
  }

  /** The ACK of the SEND `id` that stored it. */
  ack(id: string): EncodedFrame {
    return { encoded: `{"type":"ACK","id":${JSON.stringify(id)},"message":${this.json}}` };
  }

  /** The MESSAGE to every other socket of both members. */
  event(): EncodedFrame {
    return { encoded: `{"type":"MESSAGE","message":${this.json}}` };
  }
}

const MESSAGE_PREFIX = '{"type":"MESSAGE",';

/** Whether an encoded frame is a MESSAGE (both encoders write `type` first): counted as a delivery without parsing it. */
export function isMessageFrame(frame: EncodedFrame): boolean {
  return frame.encoded.startsWith(MESSAGE_PREFIX);
}

export function messageFrames(message: Message): MessageFrames {
  return new MessageFrames(message);
}
