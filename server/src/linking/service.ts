import { randomBytes } from "node:crypto";
import {
  linkSignedData,
  linkUrl,
  type DeviceInfo,
  type LinkClaim,
  type LinkClaimRequest,
  type LinkQr,
  type ServerEvent,
  type VerifyCodeResponse,
} from "@easyqr/protocol";
import type { Logger } from "pino";
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { keyFingerprint, parseDeviceKey, signatureValid } from "../auth/deviceKeys.ts";
import { displayIp } from "../clientIp.ts";
import type { Clock } from "../clock.ts";
import type { DeviceService } from "../devices/service.ts";
import { AppError } from "../errors.ts";
import type { UserFanout } from "../fanout.ts";
import type { MakeLimiter } from "../limiters.ts";
import { hashSecret, newPairingCode, secretMatches } from "../pairing/tokens.ts";
import type { UsersService } from "../users/service.ts";
import { isEnded, type IssuedRef, type Link } from "./link.ts";
import type { LinkLimits } from "./limits.ts";
import { sameNetwork } from "./network.ts";
import type { LinkStore } from "./store.ts";

/** The desktop sockets of links (on any node in cluster mode): the gateway's side of linking. */
export type LinkDesktops = {
  send(linkId: string, event: ServerEvent): void;
  /** Sends `event` (if any) as the last frame and closes the socket normally. */
  end(linkId: string, event?: ServerEvent): void;
  connected(linkId: string): Promise<boolean>;
};

/** What a desktop sends to be linked (the LinkHello handshake) and where it came from. */
export type LinkRequest = { publicKey: string; device: DeviceInfo; ip: string; userAgent: string };

const notFound = () => new AppError("LINK_NOT_FOUND", "No computer is showing this code; scan the code it shows now.");
const ticketInvalid = () => new AppError("LINK_TICKET_INVALID", "This link ticket is not valid; ask for a new code.");

/**
 * The only code that changes links (docs/adr/0007-linked-devices.md): each change is stored, then
 * announced to the desktop's socket or the claiming account's sockets. Secrets (tickets, keys) are
 * never logged; only link ids and user ids are.
 */
export class LinkService {
  private readonly wrongClaims: RateLimiterAbstract;
  private readonly claims: RateLimiterAbstract;

  constructor(
    private readonly store: LinkStore,
    private readonly devices: DeviceService,
    private readonly users: UsersService,
    private readonly desktops: LinkDesktops,
    private readonly fanout: UserFanout,
    private readonly clock: Clock,
    private readonly limits: LinkLimits,
    private readonly publicUrl: () => string,
    private readonly log: Logger,
    limiter: MakeLimiter,
  ) {
    this.wrongClaims = limiter({ keyPrefix: "link-wrong", points: limits.wrongClaimsPerIpPerMinute, duration: 60 });
    this.claims = limiter({ keyPrefix: "link-claims", points: limits.claimsPerAccountPerMinute, duration: 60 });
  }

  /** A desktop's LinkHello: a new pending link. Throws HANDSHAKE_INVALID for a key that is not P-256. */
  async open(request: LinkRequest): Promise<string> {
    if (!parseDeviceKey(request.publicKey)) throw new AppError("HANDSHAKE_INVALID", "The public key is not an ECDSA P-256 key in SPKI form.");
    if ((await this.store.countPendingByIp(displayIp(request.ip))) >= this.limits.maxPendingPerIp) {
      throw new AppError("RATE_LIMITED", "Too many computers are waiting to be linked from this address; use or close one first.", {
        retryAfterMs: this.limits.rotateEveryMs,
      });
    }
    const now = this.clock.now();
    const linkExpiresAt = now + this.limits.ttlMs;
    const link: Link = {
      id: randomBytes(16).toString("base64url"),
      publicKey: request.publicKey,
      fingerprint: keyFingerprint(request.publicKey),
      device: request.device,
      ip: displayIp(request.ip),
      userAgent: request.userAgent.slice(0, 256),
      createdAt: now,
      linkExpiresAt,
      expiresAt: linkExpiresAt,
      rotatesAt: Math.min(now + this.limits.rotateEveryMs, linkExpiresAt),
      refs: [await this.newRef(now, linkExpiresAt)],
      state: "pending",
    };
    await this.store.create(link);
    return link.id;
  }

  /** The desktop's socket is registered: show it the current QR. */
  async online(linkId: string): Promise<void> {
    const link = await this.store.get(linkId);
    if (link?.state === "pending") this.desktops.send(linkId, this.codeEvent(link));
  }

  /** A signed-in phone claims a link by ref or code: of concurrent claims exactly one wins. */
  async claim(who: { userId: string; sessionId: string }, input: LinkClaimRequest, ip: string): Promise<LinkClaim> {
    await this.take(this.claims, who.userId, "Too many link attempts from this account; wait a minute.");
    const guessing = await this.wrongClaims.get(ip);
    if (guessing && guessing.consumedPoints >= this.limits.wrongClaimsPerIpPerMinute) {
      throw new AppError("RATE_LIMITED", "Too many codes that were not found; wait a minute and scan again.", { retryAfterMs: guessing.msBeforeNext });
    }
    const now = this.clock.now();
    const id = "ref" in input ? await this.store.idByRef(input.ref) : await this.store.idByCode(input.code);
    const link = id ? await this.store.get(id) : undefined;
    const issued = link ? findRef(link, input) : undefined;
    if (!link || !issued || issued.expiresAt <= now || link.state === "expired") {
      await this.wrongClaims.penalty(ip).catch(() => undefined);
      throw notFound();
    }
    if (link.state !== "pending") throw alreadyUsed();
    await this.devices.assertRoom(who.userId);
    const claimed = await this.store.update(link.id, (l) => {
      if (l.state !== "pending") throw alreadyUsed();
      l.state = "claimed";
      l.claim = { userId: who.userId, sessionId: who.sessionId, ip, at: now };
      // The person has as long to approve as the QR was shown.
      l.expiresAt = now + this.limits.ttlMs;
      return l;
    });
    if (!claimed) throw notFound();
    this.desktops.send(link.id, { type: "LINK_SCANNED" });
    this.log.info({ linkId: link.id, userId: who.userId }, "link claimed");
    return {
      linkId: claimed.id,
      fingerprint: claimed.fingerprint,
      device: claimed.device,
      userAgent: claimed.userAgent,
      ip: claimed.ip,
      sameNetwork: sameNetwork(claimed.ip, ip),
      requestedAt: claimed.createdAt,
    };
  }

  /** The claiming account approves: the desktop gets a single-use ticket. */
  async approve(userId: string, linkId: string): Promise<void> {
    const link = await this.claimedBy(userId, linkId);
    if (link.state === "approved") return;
    if (link.state !== "claimed" && link.state !== "aborted") throw notFound();
    if (link.state === "aborted" || !(await this.desktops.connected(linkId))) {
      await this.abort(linkId);
      throw new AppError("LINK_GONE", "The computer closed the page before it was linked; ask for a new code there.");
    }
    await this.devices.assertRoom(userId);
    const ticket = randomBytes(32).toString("base64url");
    const now = this.clock.now();
    const approved = await this.store.update(linkId, (l) => {
      if (l.state === "aborted") throw new AppError("LINK_GONE", "The computer closed the page before it was linked.");
      if (l.state !== "claimed") throw notFound();
      l.state = "approved";
      l.ticketHash = hashSecret(ticket);
      l.expiresAt = now + this.limits.ticketTtlMs;
      return l;
    });
    if (!approved) throw notFound();
    this.desktops.send(linkId, { type: "LINK_APPROVED", ticket, ticketExpiresAt: approved.expiresAt });
    this.log.info({ linkId, userId }, "link approved");
  }

  /** The claiming account says no: final for this link. */
  async deny(userId: string, linkId: string): Promise<void> {
    const link = await this.claimedBy(userId, linkId);
    if (link.state === "denied") return;
    const now = this.clock.now();
    const denied = await this.store.update(linkId, (l) => {
      if (l.state !== "claimed" && l.state !== "approved") throw notFound();
      l.state = "denied";
      delete l.ticketHash;
      l.expiresAt = now + this.limits.endedRetentionMs;
      return true;
    });
    if (!denied) throw notFound();
    this.desktops.end(linkId, { type: "LINK_DENIED" });
    this.log.info({ linkId, userId }, "link denied");
  }

  /** The desktop redeems its ticket, signed with its key: its own session, bound to that key. */
  async redeem(input: { linkId: string; ticket: string; signature: string }, ip: string, userAgent: string): Promise<VerifyCodeResponse> {
    const now = this.clock.now();
    const link = await this.store.get(input.linkId);
    if (!link || link.state !== "approved" || !link.ticketHash || link.expiresAt <= now || !secretMatches(input.ticket, link.ticketHash)) {
      throw ticketInvalid();
    }
    if (!signatureValid(link.publicKey, linkSignedData(link.id, input.ticket), input.signature)) {
      throw new AppError("LINK_SIGNATURE_INVALID", "The ticket was not signed by the key that asked to be linked.");
    }
    const claim = link.claim;
    const spent = await this.store.update(link.id, (l) => {
      if (l.state !== "approved" || l.ticketHash !== link.ticketHash) return false;
      l.state = "redeemed";
      delete l.ticketHash;
      l.expiresAt = now + this.limits.endedRetentionMs;
      return true;
    });
    if (!spent || !claim) throw ticketInvalid();
    // The redeeming request comes from the desktop; its socket's address is what the person saw.
    // The link is spent either way: its socket has nothing more to hear (a DEVICE_LIMIT is this request's answer).
    const { tokens, device } = await this.devices
      .createLinked(claim.userId, {
        device: link.device,
        publicKey: link.publicKey,
        ip: link.ip || ip,
        userAgent: link.userAgent || userAgent,
      })
      .finally(() => this.desktops.end(link.id));
    this.fanout(claim.userId, { type: "DEVICE_LINKED", device });
    this.log.info({ linkId: link.id, userId: claim.userId, sessionId: tokens.sessionId }, "device linked");
    return { tokens, user: await this.users.me(claim.userId), isNewUser: false };
  }

  /** The desktop's socket closed: a pending link is forgotten, a claimed or approved one aborted (the phone is told). */
  async desktopGone(linkId: string): Promise<void> {
    const link = await this.store.get(linkId);
    if (!link) return;
    if (link.state === "pending") return this.store.delete(linkId);
    if (link.state === "claimed" || link.state === "approved") await this.abort(linkId);
  }

  /** Runs every second: rotates refs that are due, expires links, forgets ended ones. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    for (const id of await this.store.dueIds(now)) {
      const link = await this.store.get(id);
      if (!link) continue;
      if (isEnded(link)) {
        if (link.expiresAt <= now) await this.store.delete(id);
      } else if (link.expiresAt <= now) {
        await this.expire(link);
      } else if (link.state === "pending" && link.rotatesAt <= now) {
        await this.rotate(id, now);
      }
    }
  }

  private async rotate(id: string, now: number): Promise<void> {
    const fresh = await this.newRef(now, 0);
    const link = await this.store.update(id, (l) => {
      if (l.state !== "pending" || l.rotatesAt > now) return undefined;
      fresh.expiresAt = Math.min(now + 2 * this.limits.rotateEveryMs, l.linkExpiresAt);
      // The current ref becomes the previous one (its own expiry is its grace period); older ones go.
      l.refs = [...l.refs.slice(-1).filter((r) => r.expiresAt > now), fresh];
      l.rotatesAt = Math.min(now + this.limits.rotateEveryMs, l.linkExpiresAt);
      return l;
    });
    if (link) this.desktops.send(id, this.codeEvent(link));
  }

  private async expire(link: Link): Promise<void> {
    const now = this.clock.now();
    const expired = await this.store.update(link.id, (l) => {
      if (isEnded(l) || l.expiresAt > now) return undefined;
      const before = { ...l };
      l.state = "expired";
      delete l.ticketHash;
      l.expiresAt = now + this.limits.endedRetentionMs;
      return before;
    });
    if (!expired) return;
    this.desktops.end(link.id, { type: "LINK_EXPIRED" });
    if (expired.claim) this.fanout(expired.claim.userId, { type: "LINK_ABORTED", linkId: link.id });
  }

  private async abort(linkId: string): Promise<void> {
    const now = this.clock.now();
    const aborted = await this.store.update(linkId, (l) => {
      if (l.state !== "claimed" && l.state !== "approved") return undefined;
      l.state = "aborted";
      delete l.ticketHash;
      l.expiresAt = now + this.limits.endedRetentionMs;
      return l;
    });
    if (!aborted?.claim) return;
    this.fanout(aborted.claim.userId, { type: "LINK_ABORTED", linkId });
    this.log.info({ linkId, userId: aborted.claim.userId }, "link aborted: the desktop left");
  }

  /** The link, if this account claimed it; LINK_NOT_FOUND for anyone else's, as for none. */
  private async claimedBy(userId: string, linkId: string): Promise<Link> {
    const link = await this.store.get(linkId);
    if (!link || link.claim?.userId !== userId || link.state === "expired" || link.state === "redeemed") throw notFound();
    return link;
  }

  private async newRef(now: number, linkExpiresAt: number): Promise<IssuedRef> {
    let code = newPairingCode();
    while (await this.store.idByCode(code)) code = newPairingCode();
    const expiresAt = linkExpiresAt > 0 ? Math.min(now + 2 * this.limits.rotateEveryMs, linkExpiresAt) : 0;
    return { ref: randomBytes(16).toString("base64url"), code, expiresAt };
  }

  private codeEvent(link: Link): ServerEvent {
    const current = link.refs.at(-1)!;
    const qr: LinkQr = {
      url: linkUrl(this.publicUrl(), current.ref, link.fingerprint),
      code: current.code,
      expiresAt: current.expiresAt,
      rotatesAt: link.rotatesAt,
    };
    return { type: "LINK_CODE", linkId: link.id, qr, linkExpiresAt: link.linkExpiresAt };
  }

  private async take(limiter: RateLimiterAbstract, key: string, message: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new AppError("RATE_LIMITED", message, { retryAfterMs: error.msBeforeNext });
      throw error;
    }
  }
}

function findRef(link: Link, input: LinkClaimRequest): IssuedRef | undefined {
  return "ref" in input ? link.refs.find((r) => r.ref === input.ref) : link.refs.find((r) => r.code === input.code);
}

function alreadyUsed(): AppError {
  return new AppError("LINK_ALREADY_USED", "This code was already used. If that was not you, ask for a new code on the computer.");
}
