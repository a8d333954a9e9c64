import type { DeviceInfo } from "@easyqr/protocol";

/**
 * A desktop's request to be linked. `pending` (its socket shows rotating QRs) → `claimed` (a signed-in
 * phone is asking its person) → `approved` (the desktop holds a ticket) → `redeemed`; or it ends
 * `denied`, `aborted` (the desktop left after the claim) or `expired`. Ended links stay until
 * `expiresAt` so late requests get a clear answer, then are deleted.
 */
export type LinkState = "pending" | "claimed" | "approved" | "redeemed" | "denied" | "aborted" | "expired";

/** One QR ref with its typed code; accepted until `expiresAt` (its rotation period plus one grace period). */
export type IssuedRef = { ref: string; code: string; expiresAt: number };

export type Link = {
  id: string;
  /** base64url SPKI of the desktop's key, and its SHA-256 (the QR's `fp`). */
  publicKey: string;
  fingerprint: string;
  device: DeviceInfo;
  ip: string;
  userAgent: string;
  createdAt: number;
  /** No rotation after this; unclaimed, the link expires then. */
  linkExpiresAt: number;
  /** When the current state times out (see LinkState). */
  expiresAt: number;
  rotatesAt: number;
  /** The current ref last; at most one before it. */
  refs: IssuedRef[];
  state: LinkState;
  claim?: { userId: string; sessionId: string; ip: string; at: number };
  /** SHA-256 of the ticket; the ticket itself is only ever sent to the desktop. */
  ticketHash?: string;
};

export function isEnded(link: Link): boolean {
  return link.state === "redeemed" || link.state === "denied" || link.state === "aborted" || link.state === "expired";
}
