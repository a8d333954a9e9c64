import type { AckTo, ClientFrame, ErrorAck, ErrorBody } from "@easyqr/protocol";
import type { Logger } from "pino";
import type { ChatLimits } from "../chat/limits.ts";
import type { SendInput } from "../chat/send.ts";
import type { SendQueue } from "../chat/sendQueue.ts";
import type { ChatService, Origin, Reader } from "../chat/service.ts";
import type { Clock } from "../clock.ts";
import { AppError, internalError, knownError } from "../errors.ts";
import type { Peer } from "./peer.ts";

const chatFrameTypes = new Set(["SEND", "FORWARD", "EDIT", "DELETE", "REACT", "HIDE", "DELIVERED", "SEEN", "TYPING", "SYNC"] as const);
export type ChatFrame = Extract<ClientFrame, { type: "SEND" | "FORWARD" | "EDIT" | "DELETE" | "REACT" | "HIDE" | "DELIVERED" | "SEEN" | "TYPING" | "SYNC" }>;

export function isChatFrame(frame: ClientFrame): frame is ChatFrame {
  return chatFrameTypes.has(frame.type as ChatFrame["type"]);
}

/**
 * What the send path reports (metrics): each SEND acknowledged with its message, `ms` after it was queued (`fresh`: stored now,
 * not a resend); each socket whose reading stopped because the send backlog was full.
 */
export type SendStats = { acked(ms: number, fresh: boolean): void; paused(): void };
const noStats: SendStats = { acked: () => undefined, paused: () => undefined };

type Bucket = { tokens: number; at: number };
type Typing = { userId: string; typing: boolean; at: number };

/**
 * Chat frames of a signed-in user's socket: each becomes a ChatService call and one ACK (errors
 * in the same envelope; the socket stays open). Per socket: a token bucket for message frames and
 * a throttle for typing. A thrown AppError is answered by the gateway.
 */
export class ChatSocket {
  private readonly buckets = new WeakMap<Peer, Bucket>();
  private readonly typing = new WeakMap<Peer, Map<string, Typing>>();

  constructor(
    private readonly chat: ChatService,
    private readonly sends: SendQueue,
    private readonly clock: Clock,
    private readonly limits: ChatLimits,
    private readonly log: Logger,
    private readonly stats: SendStats = noStats,
  ) {}

  async onFrame(peer: Peer, reader: Reader, frame: ChatFrame): Promise<void> {
    const { userId } = reader;
    switch (frame.type) {
      case "SEND":
        this.take(peer);
        return this.send(peer, userId, frame);
      case "FORWARD":
        // A SEND of the original's text and copied attachments: the same queue, ids, acks and resends.
        this.take(peer);
        return this.send(peer, userId, await this.chat.forwardSend(userId, frame), true);
      // The service answers a change in its turn, so a later change's events never overtake its ACK.
      case "EDIT":
        this.take(peer);
        await this.chat.edit(userId, frame.messageId, frame.text, origin(peer, frame.id));
        return;
      case "DELETE":
        this.take(peer);
        await this.chat.delete(userId, frame.messageId, origin(peer, frame.id));
        return;
      case "REACT":
        this.take(peer);
        await this.chat.react(userId, frame.messageId, frame.emoji, origin(peer, frame.id));
        return;
      case "HIDE":
        this.take(peer);
        await this.chat.hide(userId, frame.messageId, {
          socket: peer,
          ack: (hidden) => peer.send({ type: "ACK", id: frame.id, hidden } satisfies AckTo<"HIDE">),
        });
        return;
      case "DELIVERED":
      case "SEEN":
        await this.chat.markReceipt(reader, frame.chatId, frame.seq, frame.type === "SEEN" ? "seen" : "delivered");
        if (frame.id) peer.send({ type: "ACK", id: frame.id } satisfies AckTo<"DELIVERED" | "SEEN">);
        return;
      case "TYPING":
        return this.onTyping(peer, userId, frame.chatId, frame.typing);
      case "SYNC":
        return peer.send({ type: "ACK", id: frame.id, sync: await this.chat.sync(userId, frame.chats) } satisfies AckTo<"SYNC">);
    }
  }

  /** The socket closed: a peer still shown "typing" by it is told it stopped. */
  detach(peer: Peer): void {
    for (const [chatId, state] of this.typing.get(peer) ?? []) {
      if (state.typing && this.clock.now() - state.at < this.limits.typingEveryMs * 3) {
        this.chat.typing(state.userId, chatId, false).catch(() => undefined);
      }
    }
    this.typing.delete(peer);
  }

  /** Resolves once the batch holding this SEND committed and the ACK went out. */
  private send(peer: Peer, userId: string, frame: SendInput, forwarded = false): Promise<void> {
    const queuedAt = performance.now();
    return new Promise((resolve) => {
      const room = this.sends.push({
        userId,
        frame,
        forwarded,
        origin: peer,
        reply: (outcome) => {
          if ("message" in outcome) {
            peer.send(outcome.frames.ack(frame.id));
            this.stats.acked(performance.now() - queuedAt, !outcome.duplicate);
            return resolve();
          }
          const known = knownError(outcome.error);
          if (!known) this.log.error({ err: outcome.error }, "send failed");
          refuse(peer, frame.id, known?.toBody() ?? internalError);
          resolve();
        },
      });
      if (!room && !peer.socket.isPaused) {
        peer.socket.pause();
        this.stats.paused();
        this.sends.whenRoom(() => peer.socket.resume());
      }
    });
  }

  private async onTyping(peer: Peer, userId: string, chatId: string, typing: boolean): Promise<void> {
    let states = this.typing.get(peer);
    if (!states) this.typing.set(peer, (states = new Map<string, Typing>()));
    const last = states.get(chatId);
    const now = this.clock.now();
    if (typing && last?.typing && now - last.at < this.limits.typingEveryMs) return;
    if (!typing && !last?.typing) return;
    // Noted before the check finishes, so frames right behind this one are throttled too.
    states.set(chatId, { userId, typing, at: now });
    try {
      await this.chat.typing(userId, chatId, typing);
    } catch (error) {
      states.delete(chatId);
      throw error;
    }
  }

  /** One token of the socket's message budget, or RATE_LIMITED with when to try again. */
  private take(peer: Peer): void {
    const { messagesPerSecond: rate, messageBurst: burst } = this.limits;
    const now = this.clock.now();
    const bucket = this.buckets.get(peer) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * rate) / 1000);
    bucket.at = now;
    this.buckets.set(peer, bucket);
    if (bucket.tokens < 1) {
      const retryAfterMs = Math.ceil(((1 - bucket.tokens) * 1000) / rate);
      throw new AppError("RATE_LIMITED", `Too many messages; wait ${retryAfterMs} ms.`, { retryAfterMs });
    }
    bucket.tokens -= 1;
  }
}

/** An EDIT, DELETE or REACT from this socket: answered with the message as stored. */
function origin(peer: Peer, id: string): Origin {
  return { socket: peer, ack: (message) => peer.send({ type: "ACK", id, message } satisfies AckTo<"EDIT" | "DELETE" | "REACT">) };
}

function refuse(peer: Peer, id: string, error: ErrorBody): void {
  peer.send({ type: "ACK", id, error } satisfies ErrorAck);
}
