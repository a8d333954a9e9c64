import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import {
  ClientFrame,
  CloseCode,
  handshakeSchemaOf,
  jsonShapeProblem,
  MAX_FRAME_BYTES,
  type AckTo,
  type ErrorAck,
  type ErrorBody,
  type ErrorCode,
  type OkAck,
} from "@easyqr/protocol";
import type { Logger } from "pino";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { SessionService } from "../auth/sessions.ts";
import type { Clock } from "../clock.ts";
import { AppError, internalError, knownError } from "../errors.ts";
import { jobFailed } from "../jobs.ts";
import { isDeviceScanFrame, type ScanRelay } from "./scanRelay.ts";
import type { LinkService } from "../linking/service.ts";
import type { Identity as PairingIdentity, PairingService } from "../pairing/service.ts";
import type { PresenceService } from "../presence/service.ts";
import { parseOr } from "../validate.ts";
import { isChatFrame, type ChatSocket } from "./chatSocket.ts";
import { keyOf, type Hub } from "./hub.ts";
import { originAllowed } from "./origin.ts";
import { Peer } from "./peer.ts";
import { Refusals, type RefusalLimits } from "./refusals.ts";
import { SessionCheck } from "./sessionCheck.ts";

/**
 * How often every socket is pinged; one that has not answered the last ping by the next is
 * terminated. A half-open socket (the network went without a close) is therefore dropped at most
 * two beats after it was last heard, and its user shows offline to their contacts the presence
 * grace and one presence tick later: 2 × 15 s + 5 s + 2 s = 37 s, inside the 45 s promised.
 */
export const defaultHeartbeatMs = 15_000;

/** A signed-in user's socket, through one sign-in session (which ends at `expiresAt`). */
export type UserIdentity = { role: "user"; userId: string; sessionId: string; expiresAt: number };
/** A signed-out desktop asking to be linked (LinkHello): it hears only its link's events. */
export type LinkIdentity = { role: "link"; linkId: string };
/** Who a socket is, once its handshake passed. */
export type Identity = PairingIdentity | UserIdentity | LinkIdentity;

export type GatewayOptions = {
  pairing: PairingService;
  links: LinkService;
  sessions: SessionService;
  presence: PresenceService;
  chat: ChatSocket;
  /** "Scan to desktop": scans from a signed-in phone to its person's linked desktop. */
  scans: ScanRelay;
  hub: Hub;
  clock: Clock;
  log: Logger;
  publicUrl: () => string;
  /** The client's address (behind a trusted proxy, the one it forwards), as Fastify's `request.ip` reads it. */
  clientIp: (request: IncomingMessage) => string;
  /** Origins whose pages may connect (known once the server listens). */
  allowedOrigins: () => ReadonlySet<string>;
  /** Counts failed handshakes per IP: guessing codes or tokens gets slowed down. */
  handshakeFailures: RateLimiterAbstract;
  handshakeTimeoutMs: number;
  /** How many refused frames a socket, and refused bytes all sockets, may send before they are read more slowly. */
  refusalLimits: RefusalLimits;
  heartbeatMs: number;
  /** How often user sockets' sessions are checked (expired; revoked, by another node too): see `SessionCheck`. */
  sessionCheckMs: number;
  /** How often that check reads the session of every user socket here (accounts deleted). */
  sessionFullCheckMs: number;
};

/** The one WebSocket endpoint: `/ws`. First frame is the handshake, then JSON frames. */
export class Gateway {
  // `peers` tracks the sockets: ws's own set (clientTracking) would cost each socket a second entry and a listener.
  // Compression stays off (ws's default for servers): deflate would keep zlib state for every socket.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: false });
  private readonly peers = new Set<Peer>();
  private readonly refusals: Refusals;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly sessionCheck: SessionCheck;
  private readonly sessionCheckTimer: NodeJS.Timeout;

  constructor(private readonly o: GatewayOptions) {
    this.refusals = new Refusals(o.refusalLimits);
    this.heartbeat = setInterval(() => this.beat(), o.heartbeatMs);
    this.heartbeat.unref();
    this.sessionCheck = new SessionCheck({
      sessions: o.sessions,
      hub: o.hub,
      clock: o.clock,
      drop: (sessionIds) => this.dropSessions(sessionIds),
      fullEvery: Math.max(1, Math.round(o.sessionFullCheckMs / o.sessionCheckMs)),
    });
    this.sessionCheckTimer = setInterval(() => this.checkSessions().catch((error: unknown) => jobFailed(o.log, "session check", error)), o.sessionCheckMs);
    this.sessionCheckTimer.unref();
    // Revocations close their sockets at once through `Sockets.dropSessions` (wired in app.ts, every node in cluster mode); the periodic check catches the rest.
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? "").split("?")[0];
    if (path !== "/ws") return rejectUpgrade(socket, 404, "Not Found");
    const allowed = this.o.allowedOrigins();
    if (!originAllowed(request.headers.origin, allowed)) {
      // `allowed`: PUBLIC_URL, this server's own addresses and ALLOWED_ORIGINS (add a page's origin there).
      this.o.log.warn({ origin: request.headers.origin, allowed: [...allowed] }, "socket refused: origin not allowed");
      // Upgrade only to say why in the one error shape (a bare 403 reaches a browser as a nameless close); nothing is read.
      this.wss.handleUpgrade(request, socket, head, (ws) =>
        new Peer(ws, socket).fail({
          code: "ORIGIN_FORBIDDEN",
          message: `Pages of ${request.headers.origin} may not connect here; open ${this.o.publicUrl()}.`,
        }),
      );
      return;
    }
    const userAgent = request.headers["user-agent"]?.slice(0, 256) ?? "";
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, socket, this.o.clientIp(request), userAgent));
  }

  private accept(ws: WebSocket, stream: Duplex, ip: string, userAgent: string): void {
    const peer = new Peer(ws, stream);
    peer.heardAt = this.o.clock.now();
    this.peers.add(peer);
    let identity: Identity | undefined;
    let handshaking = false;
    let timeout: NodeJS.Timeout | undefined = setTimeout(
      () => peer.fail({ code: "HANDSHAKE_TIMEOUT", message: "No handshake was sent in time." }),
      this.o.handshakeTimeoutMs,
    );
    // Dropped once done with: this closure lives as long as the socket, the timer need not.
    const handshakeOver = () => {
      clearTimeout(timeout);
      timeout = undefined;
    };

    ws.on("pong", () => {
      peer.alive = true;
      peer.heardAt = this.o.clock.now();
    });
    ws.on("error", (error) => {
      const tooLarge = (error as { code?: string }).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
      this.o.log.info({ ip, err: error.message }, tooLarge ? "socket frame too large" : "socket error");
    });
    ws.on("close", (code) => {
      handshakeOver();
      this.peers.delete(peer);
      this.refusals.forget(ws);
      // A close frame is a sign of life; a dropped connection (1006) was last heard at its last pong or frame.
      if (code !== 1006) peer.heardAt = this.o.clock.now();
      if (!identity) return;
      if (identity.role === "link") {
        this.o.hub.removeLink(identity.linkId, peer);
        this.o.links.desktopGone(identity.linkId).catch((error: unknown) => this.o.log.error({ err: error }, "link desktop-gone failed"));
        return;
      }
      if (identity.role === "user") {
        this.o.hub.removeUser(peer);
        this.o.chat.detach(peer);
        this.o.presence.detach(peer).catch((error: unknown) => this.o.log.error({ err: error }, "presence detach failed"));
        return;
      }
      this.o.hub.remove(identity.sessionId, peer);
      this.o.pairing.offline(identity).catch((error: unknown) => this.o.log.error({ err: error }, "offline failed"));
    });
    ws.on("message", (data, isBinary) => {
      peer.heardAt = this.o.clock.now();
      if (isBinary) return peer.fail({ code: "FRAME_INVALID", message: "Frames are JSON text." });
      if (identity) return void this.onFrame(peer, identity, data);
      if (handshaking) return peer.fail({ code: "HANDSHAKE_INVALID", message: "Wait for the handshake's answer before sending." });
      handshaking = true;
      this.handshake(peer, ip, userAgent, data)
        .then((who) => {
          handshakeOver();
          if (ws.readyState !== ws.OPEN) {
            // Closed during the handshake: a link or session made for it would only wait out its minutes (and count against its address).
            if (who.role === "link") return this.o.links.desktopGone(who.linkId);
            if (who.role === "desktop" && who.desktopToken) return this.o.pairing.close(who);
            return;
          }
          identity = who;
          if (who.role === "link") {
            this.o.hub.addLink(who.linkId, peer);
            return this.o.links.online(who.linkId);
          }
          if (who.role === "user") {
            this.o.hub.addUser(who.userId, who.sessionId, who.expiresAt, peer);
            peer.send({ type: "AUTHENTICATED", userId: who.userId, sessionId: who.sessionId });
            // Presence failing (its store or the database) must not cost the user their socket.
            this.o.presence.attach(who.userId, peer).catch((error: unknown) => this.o.log.error({ err: error }, "presence attach failed"));
            return;
          }
          this.o.hub.add(who.sessionId, keyOf(who.role === "desktop" ? who : { role: "phone", phoneId: who.phoneId }), peer);
          return this.o.pairing.online(who);
        })
        .catch((error: unknown) => {
          handshakeOver();
          peer.fail(this.toErrorBody(error, { ip }));
        });
    });
  }

  private async handshake(peer: Peer, ip: string, userAgent: string, data: RawData): Promise<Identity> {
    const limit = await this.o.handshakeFailures.get(ip);
    if (limit && limit.remainingPoints <= 0) {
      throw new AppError("RATE_LIMITED", "Too many failed attempts; wait a minute and try again.", { retryAfterMs: limit.msBeforeNext });
    }
    try {
      const raw = parseJson(data);
      const hello = parseOr(handshakeSchemaOf(raw), raw, "HANDSHAKE_INVALID");
      if ("create" in hello) return await this.o.pairing.createOnSocket(ip, hello.create);
      if ("accessToken" in hello) {
        const session = await this.o.sessions.authenticate(hello.accessToken);
        this.o.sessions.touch(session).catch((error: unknown) => this.o.log.error({ err: error }, "session touch failed"));
        return { role: "user", userId: session.userId, sessionId: session.sessionId, expiresAt: session.expiresAt };
      }
      if ("link" in hello) return { role: "link", linkId: await this.o.links.open({ ...hello.link, ip, userAgent }) };
      if ("desktopToken" in hello) return await this.o.pairing.authenticateDesktop(hello.sessionId, hello.desktopToken);
      if ("phoneToken" in hello) return await this.o.pairing.resumePhone(hello.sessionId, hello.phoneToken);
      if ("code" in hello) return await this.o.pairing.claimWithCode(hello.code, hello.device, ip);
      return await this.o.pairing.claimWithToken(hello.sessionId, hello.token, hello.device);
    } catch (error) {
      if (error instanceof AppError && guessingCodes.has(error.code)) {
        await this.o.handshakeFailures.penalty(ip).catch(() => undefined);
      }
      throw error;
    }
  }

  private async onFrame(peer: Peer, who: Identity, data: RawData): Promise<void> {
    let id: string | undefined;
    try {
      const raw = parseJson(data);
      id = requestIdOf(raw);
      const frame = parseOr(ClientFrame, raw);
      if (frame.type === "PING") {
        if (id) peer.send({ type: "ACK", id } satisfies AckTo<"PING">);
        return;
      }
      if (isChatFrame(frame)) {
        if (who.role !== "user") throw new AppError("FRAME_INVALID", `${frame.type} is a chat frame; this socket is a pairing socket.`);
        return await this.o.chat.onFrame(peer, { userId: who.userId, sessionId: who.sessionId }, frame);
      }
      if (isDeviceScanFrame(frame)) {
        if (who.role !== "user") throw new AppError("FRAME_INVALID", `${frame.type} needs a signed-in socket; this one is not.`);
        return await this.o.scans.onFrame(peer, { userId: who.userId, sessionId: who.sessionId }, frame);
      }
      if (who.role === "user") throw new AppError("FRAME_INVALID", `${frame.type} is a pairing frame; this socket is signed in as a user.`);
      if (who.role === "link") throw new AppError("FRAME_INVALID", `${frame.type} is a pairing frame; this socket waits to be linked.`);
      switch (frame.type) {
        case "SCAN": {
          const scan = await this.o.pairing.addScan(who, frame.scan);
          return peer.send({ type: "ACK", id: frame.scan.id, seq: scan.seq } satisfies AckTo<"SCAN">);
        }
        case "SCANS_SINCE": {
          const scans = await this.o.pairing.scansSince(who, frame.seq);
          peer.send({ type: "SCANS", scans });
          break;
        }
        case "SET_MULTI_PHONE":
          await this.o.pairing.setMultiPhone(who, frame.allow);
          break;
        case "CLOSE_SESSION":
          await this.o.pairing.close(who);
          break;
      }
      // SCANS_SINCE, SET_MULTI_PHONE, CLOSE_SESSION: done.
      if (id) peer.send({ type: "ACK", id } satisfies OkAck);
    } catch (error) {
      // A bad frame is answered and the socket stays open: nothing the client sent before is lost.
      const body = this.toErrorBody(error, who.role === "link" ? { linkId: who.linkId } : { sessionId: who.sessionId }, peer);
      peer.send(id ? ({ type: "ACK", id, error: body } satisfies ErrorAck) : { type: "ERROR", error: body });
      if (error instanceof AppError && refusedInput.has(error.code)) this.refusals.refused(peer.socket, byteLength(data));
    }
  }

  /**
   * A refused frame is logged on the 1st, 2nd, 4th, 8th … refusal of its socket, with the count:
   * a client sending thousands of bad frames costs a dozen log lines, not thousands.
   */
  private toErrorBody(thrown: unknown, context: Record<string, unknown>, peer?: Peer): ErrorBody {
    const error = knownError(thrown);
    if (error) {
      const refusals = peer ? ++peer.refusals : 1;
      if ((refusals & (refusals - 1)) === 0) {
        this.o.log.info({ ...context, code: error.code, refusals }, `socket request refused: ${error.message.slice(0, 200)}`);
      }
      return error.toBody();
    }
    this.o.log.error({ ...context, err: thrown }, "socket request failed");
    return internalError;
  }

  private beat(): void {
    for (const peer of this.peers) {
      if (!peer.alive) {
        // Its presence lease already stopped being renewed at the last pong.
        peer.socket.terminate();
        continue;
      }
      peer.alive = false;
      peer.socket.ping();
    }
  }

  /** Closes every socket of these sign-in sessions. */
  dropSessions(sessionIds: readonly string[]): void {
    for (const peer of this.o.hub.peersOfSessions(sessionIds)) {
      peer.fail({ code: "AUTH_SESSION_REVOKED", message: "This session has ended; sign in again." }, CloseCode.sessionRevoked);
    }
  }

  /** One pass of the periodic session check, `full` or not as it is due (tests run it at their moment). */
  checkSessions(full?: boolean): Promise<void> {
    return this.sessionCheck.run(full);
  }

  /** Pairing sessions with a desktop's or phone's socket on this node. */
  pairingSessionIds(): string[] {
    return this.o.hub.pairingSessionIds();
  }

  get connections(): number {
    return this.peers.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.sessionCheckTimer);
    this.o.scans.close();
    for (const peer of this.peers) peer.socket.close(CloseCode.goingAway, "server shutting down");
    this.wss.close();
  }
}

/** The id a request is acknowledged under: its own `id`, or for a SCAN the scan's client id. */
function requestIdOf(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const frame = raw as { id?: unknown; scan?: { id?: unknown } };
  const id = frame.id ?? frame.scan?.id;
  return typeof id === "string" && id.length <= 64 ? id : undefined;
}

/** Frames refused for what they are (not for the state of the chat or session): these spend a socket's refusal budget. */
const refusedInput = new Set<ErrorCode>(["VALIDATION", "FRAME_INVALID"]);

/** Failures that mean "a guess that missed": only these count toward the per-IP limit. */
const guessingCodes = new Set<ErrorCode>([
  "HANDSHAKE_INVALID",
  "PAIR_CODE_INVALID",
  "PAIR_TOKEN_INVALID",
  "PAIR_DESKTOP_TOKEN_INVALID",
  "PAIR_PHONE_TOKEN_INVALID",
  "AUTH_TOKEN_INVALID",
]);

function byteLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : Buffer.isBuffer(data) ? data.length : data.byteLength;
}

function parseJson(data: RawData): unknown {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  const problem = jsonShapeProblem(bytes);
  if (problem) throw new AppError("VALIDATION", `The frame is ${problem}.`);
  try {
    return JSON.parse(bytes.toString());
  } catch {
    throw new AppError("FRAME_INVALID", "Frames are JSON text.");
  }
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
