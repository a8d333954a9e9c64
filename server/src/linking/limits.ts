import { LINK_ROTATE_MS, LINK_TICKET_TTL_MS, LINK_TTL_MS, MAX_LINKED_DEVICES } from "@easyqr/protocol";

/** Timings and caps of linking; tests change some, production keeps these (docs/adr/0007-linked-devices.md). */
export type LinkLimits = {
  /** The QR's ref and code are replaced this often; the previous pair keeps working one more period. */
  rotateEveryMs: number;
  /** A link is shown (and rotates) this long; unclaimed by then, it expires. Also the time a phone has to approve. */
  ttlMs: number;
  /** The desktop redeems its ticket within this. */
  ticketTtlMs: number;
  /** Ended links are remembered this long, so a late phone or desktop gets a clear answer. */
  endedRetentionMs: number;
  /** Links waiting for a phone from one address. */
  maxPendingPerIp: number;
  /** Claims that found nothing, per address per minute: guessing refs and codes. */
  wrongClaimsPerIpPerMinute: number;
  /** Claims per account per minute. */
  claimsPerAccountPerMinute: number;
  maxLinkedDevices: number;
};

export const defaultLinkLimits: LinkLimits = {
  rotateEveryMs: LINK_ROTATE_MS,
  ttlMs: LINK_TTL_MS,
  ticketTtlMs: LINK_TICKET_TTL_MS,
  endedRetentionMs: 5 * 60_000,
  maxPendingPerIp: 10,
  wrongClaimsPerIpPerMinute: 10,
  claimsPerAccountPerMinute: 20,
  maxLinkedDevices: MAX_LINKED_DEVICES,
};
