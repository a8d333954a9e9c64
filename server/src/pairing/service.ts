import { randomUUID } from "node:crypto";
import {
  pairingUrl,
  PairingCode,
  type CreateSessionRequest,
  type CreateSessionResponse,
  type DeviceInfo,
  type PairingQr,
  type Scan,
  type ScanInput,
  type ServerEvent,
} from "@easyqr/protocol";
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import type { MakeLimiter } from "../limiters.ts";
import type { PairingLimits } from "./limits.ts";
import { currentToken, phoneInfos, takesNewPhones, type PairingSession } from "./session.ts";
import type { PairingStore } from "./store.ts";
import { hashSecret, newPairingCode, newPairToken, newSecret, sameText, secretMatches, type PairTokens } from "./tokens.ts";
import { WrongCodeGuard } from "./wrongCodes.ts";

/** Who an event goes to within a session. */
export type Target = { role: "desktop" } | { role: "phone"; phoneId: string };
export type Publish = (sessionId: string, target: Target, event: ServerEvent) => void;

/**
 * Who a socket is, once its handshake passed. A secret it was just given (`desktopToken` when its
 * session was made on it, `phoneToken` on a fresh pairing) goes out in its first event, once.
 */
export type Identity =
  { role: "desktop"; sessionId: string; desktopToken?: string } | { role: "phone"; sessionId: string; phoneId: string; phoneToken?: string };

/** The only code that changes pairing sessions: each change is stored, then announced. */
export class PairingService {
  private readonly wrongCodes: WrongCodeGuard;
  private keptAliveAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: PairingStore,
    private readonly tokens: PairTokens,
    private readonly clock: Clock,
    private readonly publish: Publish,
    private readonly log: Logger,
    private readonly limits: PairingLimits,
    private readonly publicUrl: () => string,
    limiter: MakeLimiter,
  ) {
    this.wrongCodes = new WrongCodeGuard(limits, log, limiter);
  }

  async createSession(ip: string, request: CreateSessionRequest): Promise<CreateSessionResponse> {
    if ((await this.store.countPendingByIp(ip)) >= this.limits.maxPendingPerIp) {
      throw new AppError("RATE_LIMITED", "Too many pairing sessions are waiting from this address; use or close one first.");
    }
    const now = this.clock.now();
    const desktopToken = newSecret();
    const session: PairingSession = {
      id: randomUUID(),
      status: "PENDING",
      createdAt: now,
      expiresAt: now + this.limits.pendingTtlMs,
      createdByIp: ip,
      desktopTokenHash: hashSecret(desktopToken),
      desktopSockets: 0,
      allowMultiplePhones: request.allowMultiplePhones,
      tokens: [],
      rotatesAt: now,
      phones: [],
    };
    await this.issueToken(session);
    await this.store.create(session);
    const qr = this.qrOf(session);
    return {
      sessionId: session.id,
      token: qr.token,
      desktopToken,
      status: session.status,
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
      qr,
    };
  }

  /** The `{create}` handshake: a session made on the desktop's socket, which is its desktop from now on. */
  async createOnSocket(ip: string, request: CreateSessionRequest): Promise<Identity> {
    const { sessionId, desktopToken } = await this.createSession(ip, request);
    return { role: "desktop", sessionId, desktopToken };
  }

  async authenticateDesktop(sessionId: string, desktopToken: string): Promise<Identity> {
    const session = await this.store.get(sessionId);
    if (!session || !secretMatches(desktopToken, session.desktopTokenHash)) {
      throw new AppError("PAIR_DESKTOP_TOKEN_INVALID", "This desktop session is not known.");
    }
    assertLive(session);
    return { role: "desktop", sessionId };
  }

  /**
   * The seed's handshake: the single-use token from the QR. A token is good if it is one this
   * session holds, compared in constant time: what checking its signature would say, without the
   * work. Only a refusal checks the signature, to say why (expired, forged) as before.
   */
  async claimWithToken(sessionId: string, token: string, device?: DeviceInfo): Promise<Identity> {
    try {
      return await this.claim(sessionId, (session) => session.tokens.find((t) => sameText(t.token, token)), device);
    } catch (error) {
      if (error instanceof AppError && (error.code === "PAIR_TOKEN_INVALID" || error.code === "PAIR_SESSION_NOT_FOUND")) {
        if (this.tokens.verify(token).sessionId !== sessionId) throw new AppError("PAIR_TOKEN_INVALID", "This pairing code is not valid.");
      }
      throw error;
    }
  }

  /** The 8-character code typed on the phone: the same rules as the token it stands for. */
  async claimWithCode(rawCode: string, device: DeviceInfo | undefined, ip: string): Promise<Identity> {
    await this.wrongCodes.check(ip);
    const parsed = PairingCode.safeParse(rawCode);
    const sessionId = parsed.success ? await this.store.findIdByCode(parsed.data) : undefined;
    if (!parsed.success || !sessionId) {
      await this.wrongCodes.wrong(ip);
      throw new AppError("PAIR_CODE_INVALID", "No desktop is showing this code.");
    }
    const code = parsed.data;
    return this.claim(sessionId, (session) => session.tokens.find((t) => t.code === code), device);
  }

  private async claim(
    sessionId: string,
    find: (session: PairingSession) => PairingSession["tokens"][number] | undefined,
    device: DeviceInfo | undefined,
  ): Promise<Identity> {
    const phoneToken = newSecret();
    const now = this.clock.now();
    const claimed = await this.store.update(sessionId, (session) => {
      assertLive(session);
      const issued = find(session);
      if (!issued) throw new AppError("PAIR_TOKEN_INVALID", "This pairing code is not valid.");
      if (issued.state === "used") throw new AppError("PAIR_TOKEN_USED", "This pairing code was already used.");
      if (issued.expiresAt <= now) throw new AppError("PAIR_TOKEN_EXPIRED", "This pairing code has expired.");
      if (issued.state === "rotated" && now - (issued.retiredAt ?? 0) > this.limits.rotationGraceMs) {
        throw new AppError("PAIR_TOKEN_ROTATED", "The desktop is showing a newer code.");
      }
      if (!takesNewPhones(session)) throw new AppError("PAIR_SESSION_FULL", "This desktop is already paired with a phone.");
      if (session.phones.length >= this.limits.maxPhonesPerSession) {
        throw new AppError("PAIR_SESSION_FULL", "This desktop has as many phones as it can take.");
      }
      issued.state = "used";
      issued.retiredAt = now;
      const phone = { phoneId: randomUUID(), phoneTokenHash: hashSecret(phoneToken), sockets: 0, ...(device ? { device } : {}) };
      session.phones.push(phone);
      session.status = "CONNECTED";
      session.expiresAt = now + this.limits.idleTtlMs;
      return { phoneId: phone.phoneId, takesMore: takesNewPhones(session) };
    });
    if (!claimed) throw new AppError("PAIR_SESSION_NOT_FOUND", "This pairing session does not exist.");
    const { phoneId } = claimed;
    this.log.info({ sessionId, phoneId }, `Session ${sessionId} connected`);
    // A desktop that takes more phones gets a fresh code at once: the used one is spent (one that
    // takes no more has nothing current left to rotate; the sweeper tidies its old codes when due).
    // No announcement here: the phone's socket comes online next and that tells the desktop.
    if (claimed.takesMore) await this.rotate(sessionId, true, false);
    return { role: "phone", sessionId, phoneId, phoneToken };
  }

  async resumePhone(sessionId: string, phoneToken: string): Promise<Identity> {
    const session = await this.store.get(sessionId);
    const phone = session?.phones.find((p) => secretMatches(phoneToken, p.phoneTokenHash));
    if (!session || !phone) throw new AppError("PAIR_PHONE_TOKEN_INVALID", "This phone is not paired with that desktop.");
    assertLive(session);
    return { role: "phone", sessionId, phoneId: phone.phoneId };
  }

  /** A socket with this identity is now open: count it and tell everyone what changed. */
  async online(who: Identity): Promise<void> {
    const now = this.clock.now();
    const session = await this.store.update(who.sessionId, (s) => {
      if (who.role === "desktop") s.desktopSockets++;
      else {
        const phone = s.phones.find((p) => p.phoneId === who.phoneId);
        if (phone) phone.sockets++;
      }
      if (s.status === "CONNECTED") s.expiresAt = now + this.limits.idleTtlMs;
      return s;
    });
    if (!session) return;
    if (who.role === "desktop") {
      this.announceToDesktop(session, who.desktopToken);
      const scans = await this.store.scansSince(session.id, 0);
      if (scans.length > 0) this.publish(session.id, { role: "desktop" }, { type: "SCANS", scans });
      if (session.desktopSockets === 1) for (const p of session.phones) this.announceToPhone(session, p.phoneId);
    } else {
      this.announceToPhone(session, who.phoneId, who.phoneToken);
      this.announceToDesktop(session);
    }
  }

  async offline(who: Identity): Promise<void> {
    const now = this.clock.now();
    const session = await this.store.update(who.sessionId, (s) => {
      if (who.role === "desktop") s.desktopSockets = Math.max(0, s.desktopSockets - 1);
      else {
        const phone = s.phones.find((p) => p.phoneId === who.phoneId);
        if (phone) phone.sockets = Math.max(0, phone.sockets - 1);
      }
      if (s.status === "CONNECTED") s.expiresAt = now + this.limits.idleTtlMs;
      return s;
    });
    if (!session || session.status !== "CONNECTED") return;
    const left = { type: "PEER_LEFT", phones: phoneInfos(session), desktopOnline: session.desktopSockets > 0 } as const;
    if (who.role === "desktop" && session.desktopSockets === 0) {
      for (const p of session.phones) this.publish(session.id, { role: "phone", phoneId: p.phoneId }, { ...left, role: "desktop" });
    }
    if (who.role === "phone" && !session.phones.some((p) => p.phoneId === who.phoneId && p.sockets > 0)) {
      this.publish(session.id, { role: "desktop" }, { ...left, role: "phone" });
    }
  }

  async addScan(who: Identity, input: ScanInput): Promise<Scan> {
    if (who.role !== "phone") throw new AppError("FRAME_INVALID", "Only a paired phone sends scans.");
    const session = await this.store.get(who.sessionId);
    if (!session) throw new AppError("PAIR_SESSION_NOT_FOUND", "This pairing session does not exist.");
    assertLive(session);
    const { scan, duplicate } = await this.store.addScan(session.id, who.phoneId, input, this.clock.now(), this.limits.maxScansPerSession);
    if (!duplicate) this.publish(session.id, { role: "desktop" }, { type: "SCAN", scan });
    return scan;
  }

  async scansSince(who: Identity, seq: number): Promise<Scan[]> {
    if (who.role !== "desktop") throw new AppError("FRAME_INVALID", "Only the desktop reads the scan history.");
    return this.store.scansSince(who.sessionId, seq);
  }

  async setMultiPhone(who: Identity, allow: boolean): Promise<void> {
    if (who.role !== "desktop") throw new AppError("FRAME_INVALID", "Only the desktop decides who may join.");
    await this.store.update(who.sessionId, (s) => {
      assertLive(s);
      s.allowMultiplePhones = allow;
    });
    await this.rotate(who.sessionId, true);
  }

  async close(who: Identity): Promise<void> {
    if (who.role !== "desktop") throw new AppError("FRAME_INVALID", "Only the desktop closes the session.");
    await this.end(who.sessionId, "CLOSED");
  }

  async exists(sessionId: string): Promise<boolean> {
    return (await this.store.get(sessionId)) !== undefined;
  }

  /**
   * Runs every second: keeps connected sessions with a socket on this node alive, rotates codes
   * that are due, expires and sweeps sessions. `heldHere` are the sessions with a socket here.
   */
  async tick(heldHere: readonly string[] = []): Promise<void> {
    const now = this.clock.now();
    if (now - this.keptAliveAt >= this.limits.idleTtlMs / 4) {
      this.keptAliveAt = now;
      await this.keepAlive(heldHere, now);
    }
    // Only sessions with a deadline now are read: the sweeper runs every second and must not copy every session.
    for (const id of await this.store.dueIds(now)) {
      const session = await this.store.get(id);
      if (!session) continue;
      if (session.status === "CLOSED" || session.status === "EXPIRED") {
        if (session.expiresAt <= now) await this.store.delete(id);
      } else if (session.expiresAt <= now) {
        await this.end(id, session.status === "PENDING" ? "EXPIRED" : "CLOSED");
      } else if (session.rotatesAt <= now) {
        await this.rotate(id, false);
      }
    }
  }

  /** A connected session ends only once idle: while a socket is open its deadline moves on (a node that dies stops moving it). */
  private async keepAlive(sessionIds: readonly string[], now: number): Promise<void> {
    for (const id of sessionIds) {
      await this.store.update(id, (s) => {
        if (s.status !== "CONNECTED" || s.expiresAt - now > this.limits.idleTtlMs / 2) return undefined;
        s.expiresAt = now + this.limits.idleTtlMs;
        return s;
      });
    }
  }

  private async end(sessionId: string, status: "CLOSED" | "EXPIRED"): Promise<void> {
    const now = this.clock.now();
    const session = await this.store.update(sessionId, (s) => {
      if (s.status === "CLOSED" || s.status === "EXPIRED") return undefined;
      s.status = status;
      s.expiresAt = now + this.limits.endedRetentionMs;
      for (const t of s.tokens) if (t.state === "current") Object.assign(t, { state: "rotated", retiredAt: now });
      return s;
    });
    if (!session) return;
    const event = { type: status, sessionId } as const;
    this.publish(sessionId, { role: "desktop" }, event);
    for (const p of session.phones) this.publish(sessionId, { role: "phone", phoneId: p.phoneId }, event);
    this.log.info({ sessionId }, `Session ${sessionId} ${status.toLowerCase()}`);
  }

  /** Replaces the shown code. `force` rotates now even if the current one is not due; `announce` tells the desktop. */
  private async rotate(sessionId: string, force: boolean, announce = true): Promise<void> {
    const now = this.clock.now();
    const draft = await this.store.get(sessionId);
    if (!draft || (!force && draft.rotatesAt > now)) return;
    const fresh = takesNewPhones(draft) ? newPairToken(this.tokens, sessionId, now + this.limits.tokenTtlMs) : undefined;
    const code = fresh ? await this.uniqueCode() : undefined;
    const rotated = await this.store.update(sessionId, (s) => {
      for (const t of s.tokens) if (t.state === "current") Object.assign(t, { state: "rotated", retiredAt: now });
      // Tokens past their lifetime are refused by their own expiry; forget them.
      const dropped = s.tokens.filter((t) => t.expiresAt <= now).map((t) => t.code);
      s.tokens = s.tokens.filter((t) => t.expiresAt > now);
      if (fresh && code && takesNewPhones(s)) {
        s.tokens.push({ jti: fresh.jti, code, token: fresh.token, expiresAt: fresh.expiresAt, state: "current" });
      }
      s.rotatesAt = now + this.limits.rotateEveryMs;
      return { session: s, dropped };
    });
    if (!rotated) return;
    const { session, dropped } = rotated;
    for (const c of dropped) await this.store.unindexCode(c);
    if (code && currentToken(session)?.code === code) await this.store.indexCode(code, sessionId);
    if (announce && (force || code)) this.announceToDesktop(session);
  }

  private async issueToken(session: PairingSession): Promise<void> {
    const { token, jti, expiresAt } = newPairToken(this.tokens, session.id, this.clock.now() + this.limits.tokenTtlMs);
    const code = await this.uniqueCode();
    session.tokens.push({ jti, code, token, expiresAt, state: "current" });
    session.rotatesAt = this.clock.now() + this.limits.rotateEveryMs;
    await this.store.indexCode(code, session.id);
  }

  private async uniqueCode(): Promise<string> {
    for (;;) {
      const code = newPairingCode();
      if (!(await this.store.findIdByCode(code))) return code;
    }
  }

  private qrOf(session: PairingSession): PairingQr {
    const t = currentToken(session);
    if (!t) throw new Error("session has no current token");
    return { url: pairingUrl(this.publicUrl(), session.id, t.token), token: t.token, code: t.code, expiresAt: t.expiresAt, rotatesAt: session.rotatesAt };
  }

  /** `desktopToken`: only for the socket the session was just made on (no other desktop socket of it can exist yet). */
  private announceToDesktop(session: PairingSession, desktopToken?: string): void {
    const target = { role: "desktop" } as const;
    if (session.status === "PENDING") {
      const waiting = { type: "WAITING", sessionId: session.id, qr: this.qrOf(session), expiresAt: session.expiresAt } as const;
      this.publish(session.id, target, desktopToken ? { ...waiting, desktopToken } : waiting);
    } else if (session.status === "CONNECTED") {
      this.publish(session.id, target, {
        ...this.connectedEvent(session, "desktop"),
        ...(currentToken(session) ? { qr: this.qrOf(session) } : {}),
      });
    }
  }

  private announceToPhone(session: PairingSession, phoneId: string, phoneToken?: string): void {
    if (session.status !== "CONNECTED") return;
    this.publish(
      session.id,
      { role: "phone", phoneId },
      {
        ...this.connectedEvent(session, "phone"),
        phoneId,
        ...(phoneToken ? { phoneToken } : {}),
      },
    );
  }

  private connectedEvent(session: PairingSession, role: "desktop" | "phone") {
    return {
      type: "CONNECTED",
      sessionId: session.id,
      role,
      phones: phoneInfos(session),
      desktopOnline: session.desktopSockets > 0,
      allowMultiplePhones: session.allowMultiplePhones,
    } as const;
  }
}

function assertLive(session: PairingSession): void {
  if (session.status === "EXPIRED") throw new AppError("PAIR_SESSION_EXPIRED", "This pairing session has expired.");
  if (session.status === "CLOSED") throw new AppError("PAIR_SESSION_CLOSED", "This pairing session was closed.");
}
