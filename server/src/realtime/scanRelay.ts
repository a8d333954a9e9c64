import {
  DEVICE_SCAN_CONFIRM_MS,
  MAX_PENDING_DEVICE_SCANS,
  type AckTo,
  type ClientFrame,
  type ErrorAck,
  type ErrorBody,
  type ScanInput,
} from "@easyqr/protocol";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { Peer } from "./peer.ts";
import type { Sockets } from "./sockets.ts";

export type DeviceScanFrame = Extract<ClientFrame, { type: "SCAN_TO_DEVICE" | "DEVICE_SCAN_RECEIVED" }>;

export function isDeviceScanFrame(frame: ClientFrame): frame is DeviceScanFrame {
  return frame.type === "SCAN_TO_DEVICE" || frame.type === "DEVICE_SCAN_RECEIVED";
}

/** How the relay reaches a device's sockets and the phone waiting for its confirmation, on any node. */
export type RelaySockets = Pick<Sockets, "online" | "toSession" | "scanConfirmed">;

type Sender = { userId: string; sessionId: string };
type Waiter = { peer: Peer; senderSessionId: string; timer: NodeJS.Timeout };

export type ScanRelayLimits = { confirmMs: number; maxPending: number; deviceIdleMs: number };

/**
 * "Scan to desktop" (docs/linking-web.md): relays a signed-in phone's scan to one of its person's own
 * linked devices and answers the phone only when that device confirmed it kept the scan, or with
 * DEVICE_OFFLINE (no socket, or no confirmation in time). Nothing is stored here: the phone's
 * outbox keeps the scan until it is answered, and the desktop keeps each scan id once.
 */
export class ScanRelay {
  /** Phones waiting for a confirmation, by `<target session>:<scan id>`. */
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly pendingBySender = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly sockets: RelaySockets,
    private readonly clock: Clock,
    private readonly limits: ScanRelayLimits,
  ) {}

  async onFrame(peer: Peer, sender: Sender, frame: DeviceScanFrame): Promise<void> {
    if (frame.type === "DEVICE_SCAN_RECEIVED") {
      this.sockets.scanConfirmed(sender.sessionId, frame.scanId);
      if (frame.id) peer.send({ type: "ACK", id: frame.id } satisfies AckTo<"DEVICE_SCAN_RECEIVED">);
      return;
    }
    await this.relay(peer, sender, frame.deviceId, frame.scan);
  }

  /** Every waiter gets DEVICE_OFFLINE (the server is closing). */
  close(): void {
    for (const key of [...this.waiting.keys()]) this.settle(key, offline("The server is restarting."));
  }

  private async relay(peer: Peer, sender: Sender, deviceId: string, scan: ScanInput): Promise<void> {
    // The slot is taken before any lookup, so a burst is capped in the order it arrived and costs no queries.
    const pending = this.pendingBySender.get(sender.sessionId) ?? 0;
    if (pending >= this.limits.maxPending) {
      throw new AppError("RATE_LIMITED", "Too many scans wait for the computer; try again shortly.", { retryAfterMs: 1_000 });
    }
    this.pendingBySender.set(sender.sessionId, pending + 1);
    let fromDeviceName: string;
    try {
      fromDeviceName = await this.assertTarget(sender, deviceId);
      if (!(await this.sockets.online([deviceId])).has(deviceId))
        throw new AppError("DEVICE_OFFLINE", "That computer is not online; the scan waits on the phone.");
    } catch (error) {
      this.release(sender.sessionId);
      throw error;
    }
    const key = `${deviceId}:${scan.id}`;
    const waiter: Waiter = { peer, senderSessionId: sender.sessionId, timer: setTimeout(() => this.expire(key, waiter), this.limits.confirmMs) };
    waiter.timer.unref();
    this.waiting.set(key, [...(this.waiting.get(key) ?? []), waiter]);
    const event = { type: "DEVICE_SCAN", scan: { ...scan, fromDeviceId: sender.sessionId, fromDeviceName, receivedAt: this.clock.now() } } as const;
    this.sockets.toSession(deviceId, event);
  }

  private release(senderSessionId: string): void {
    const left = (this.pendingBySender.get(senderSessionId) ?? 1) - 1;
    if (left > 0) this.pendingBySender.set(senderSessionId, left);
    else this.pendingBySender.delete(senderSessionId);
  }

  /** The target must be a live linked device of the sender's own account, and not the sender. Returns the sender's device name. */
  private async assertTarget(sender: Sender, deviceId: string): Promise<string> {
    const now = this.clock.now();
    const rows = await this.db
      .selectFrom("authSessions")
      .select(["id", "kind", "deviceName"])
      .where("id", "in", [deviceId, sender.sessionId])
      .where("userId", "=", sender.userId)
      .where("revokedAt", "is", null)
      .where("expiresAt", ">", now)
      .where("lastUsedAt", ">", now - this.limits.deviceIdleMs)
      .execute();
    const row = rows.find((r) => r.id === deviceId);
    if (!row) throw new AppError("DEVICE_NOT_FOUND", "No device of yours is signed in with that id.");
    if (row.kind !== "linked" || deviceId === sender.sessionId) {
      throw new AppError("SCAN_TARGET_INVALID", "Scans go to a computer linked to your account, not to a phone or to this device.");
    }
    return rows.find((r) => r.id === sender.sessionId)?.deviceName ?? "Your phone";
  }

  /** The target device kept the scan (its confirmation reached this node): answer the phone waiting here, if any. */
  confirmed(targetSessionId: string, scanId: string): void {
    this.settle(`${targetSessionId}:${scanId}`, undefined);
  }

  /** No confirmation in time: this waiter is answered DEVICE_OFFLINE (a resend has its own). */
  private expire(key: string, waiter: Waiter): void {
    const kept = (this.waiting.get(key) ?? []).filter((w) => w !== waiter);
    if (kept.length > 0) this.waiting.set(key, kept);
    else this.waiting.delete(key);
    this.answer(key, [waiter], offline("The computer did not confirm the scan in time; it waits on the phone."));
  }

  private settle(key: string, error: ErrorBody | undefined): void {
    const waiters = this.waiting.get(key);
    if (!waiters) return;
    this.waiting.delete(key);
    this.answer(key, waiters, error);
  }

  private answer(key: string, waiters: Waiter[], error: ErrorBody | undefined): void {
    const scanId = key.slice(key.indexOf(":") + 1);
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      this.release(waiter.senderSessionId);
      waiter.peer.send(error ? ({ type: "ACK", id: scanId, error } satisfies ErrorAck) : ({ type: "ACK", id: scanId } satisfies AckTo<"SCAN_TO_DEVICE">));
    }
  }
}

function offline(message: string): ErrorBody {
  return new AppError("DEVICE_OFFLINE", message).toBody();
}

export const defaultScanRelayLimits = { confirmMs: DEVICE_SCAN_CONFIRM_MS, maxPending: MAX_PENDING_DEVICE_SCANS };
