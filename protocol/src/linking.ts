import * as z from "zod/mini";
import { PairingCode } from "./pairing.ts";
import { httpBase, parseAppUrl } from "./qr.ts";
import { bounded } from "./text.ts";

/**
 * Linking a desktop to a signed-in phone (docs/protocol.md, docs/adr/0007-linked-devices.md). The desktop
 * holds a non-extractable ECDSA P-256 key K; redeeming the link and every refresh of its session are
 * signed with K, so a stolen QR, ticket or refresh token alone is useless.
 */

/** A link's QR ref rotates this often; the previous ref keeps working for one more period. */
export const LINK_ROTATE_MS = 30_000;
/** A link stops rotating (and expires unless claimed) this long after it was made. */
export const LINK_TTL_MS = 5 * 60_000;
/** The desktop must redeem its ticket within this time. */
export const LINK_TICKET_TTL_MS = 30_000;
/** Linked devices per account (the phone's own session does not count). */
export const MAX_LINKED_DEVICES = 5;
/** A device not used for this long is signed out. */
export const DEVICE_IDLE_MS = 30 * 24 * 60 * 60_000;
/** How far a refresh proof's `at` may be from the server's clock. */
export const REFRESH_PROOF_SKEW_MS = 5 * 60_000;

function base64url(what: string, min: number, max: number): z.ZodMiniString<string> {
  const message = `not a valid ${what}`;
  return bounded(max, message).check(z.regex(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`), message));
}

/** base64url (no padding) of K_pub's SPKI DER (91 bytes for P-256, so 122 characters). */
export const LinkPublicKey = base64url("public key", 64, 200);
/** base64url of SHA-256 of the SPKI DER. */
export const KeyFingerprint = base64url("key fingerprint", 43, 43);
/** An ECDSA P-256 signature in IEEE-P1363 form (r‖s, 64 bytes), base64url. */
export const KeySignature = base64url("signature", 86, 86);
/** 128 random bits, base64url: names a link (the desktop's and the approving phone's handle). */
export const LinkId = base64url("link id", 22, 22);
/** 128 random bits, base64url: the rotating part of the QR. */
export const LinkRef = base64url("link ref", 22, 22);
/** 256 random bits, base64url: single use, redeemed by the desktop with its key. */
export const LinkTicket = base64url("link ticket", 43, 43);

/** What the desktop signs to redeem its ticket. */
export function linkSignedData(linkId: string, ticket: string): string {
  return `link:${linkId}.${ticket}`;
}

/** What a key-bound session signs to refresh (`at`: ms since epoch, within REFRESH_PROOF_SKEW_MS of the server). */
export function refreshSignedData(refreshToken: string, at: number): string {
  return `refresh:${refreshToken}.${at}`;
}

/** The QR's text: `<server>/link#<ref>.<fp>` (the fragment never reaches a server log). */
export function linkUrl(server: string, ref: string, fingerprint: string): string {
  return `${httpBase(server)}/link#${ref}.${fingerprint}`;
}

export type LinkQrPayload = { server: string; ref: string; fingerprint: string };

/** The `<ref>.<fp>` fragment of a `/link` URL (with or without its `#`), or null. Never throws. */
export function parseLinkFragment(fragment: string): { ref: string; fingerprint: string } | null {
  if (fragment.length > 128) return null;
  const [ref, fingerprint, ...rest] = fragment.replace(/^#/, "").split(".");
  if (rest.length > 0 || !LinkRef.safeParse(ref).success || !KeyFingerprint.safeParse(fingerprint).success) return null;
  return { ref: ref!, fingerprint: fingerprint! };
}

/** Reads a scanned link QR (`https://host/link#<ref>.<fp>`). Returns null for anything else, never throws. */
export function parseLinkQr(text: string): LinkQrPayload | null {
  const link = parseAppUrl(text, "link");
  const fragment = link && parseLinkFragment(link.fragment);
  return fragment ? { server: link.server, ...fragment } : null;
}

// ---- The desktop's QR (LINK_CODE event) --------------------------------------

export const LinkQr = z.object({
  /** The QR's text: `<server>/link#<ref>.<fp>`. */
  url: z.string(),
  /** 8 Crockford-base32 characters (show as XXXX-XXXX) for a phone without a working camera. */
  code: z.string(),
  /** When this ref and code stop being accepted (the grace period included). */
  expiresAt: z.int(),
  /** When the server will send new ones. */
  rotatesAt: z.int(),
});
export type LinkQr = z.infer<typeof LinkQr>;

// ---- Phone: claim, approve, deny ---------------------------------------------

/** The phone claims a link by the scanned ref or the typed code. */
export const LinkClaimRequest = z.union([z.strictObject({ ref: LinkRef }), z.strictObject({ code: PairingCode })]);
export type LinkClaimRequest = z.input<typeof LinkClaimRequest>;

/** Who asks to be linked: the phone shows this and asks Approve / Deny. Nothing in it is the account's. */
export const LinkClaim = z.object({
  linkId: z.string(),
  /** Compare with the `fp` of the scanned QR; abort on mismatch. */
  fingerprint: z.string(),
  device: z.object({ name: z.string(), platform: z.string() }),
  userAgent: z.string(),
  ip: z.string(),
  /** Same IP, or both private and in the same /24 (IPv4) or /64 (IPv6). */
  sameNetwork: z.boolean(),
  requestedAt: z.int(),
});
export type LinkClaim = z.infer<typeof LinkClaim>;

export const LinkIdParams = z.strictObject({ linkId: LinkId });

// ---- Desktop: redeem -----------------------------------------------------------

/** `signature` is K's signature over `linkSignedData(linkId, ticket)`. Answered like verify-code. */
export const LinkRedeemRequest = z.strictObject({ linkId: LinkId, ticket: LinkTicket, signature: KeySignature });
export type LinkRedeemRequest = z.infer<typeof LinkRedeemRequest>;

/** Sent with a key-bound session's refresh: K's signature over `refreshSignedData(refreshToken, at)`. */
export const RefreshProof = z.strictObject({ at: z.int().check(z.nonnegative()), signature: KeySignature });
export type RefreshProof = z.infer<typeof RefreshProof>;

// ---- Devices ---------------------------------------------------------------------

/** `primary`: signed in with a code; `linked`: a desktop linked by a phone (bound to its key). */
export const DeviceKind = z.enum(["primary", "linked"]);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** One live sign-in session of the account. */
export const Device = z.object({
  /** The sign-in session's id. */
  id: z.string(),
  name: z.string(),
  platform: z.string(),
  kind: DeviceKind,
  createdAt: z.int(),
  lastActiveAt: z.int(),
  ip: z.nullable(z.string()),
  /** The device asking. */
  current: z.boolean(),
  /** It has a socket open now (on this server node): a target for "Scan to desktop". */
  online: z.boolean(),
});
export type Device = z.infer<typeof Device>;

export const DeviceList = z.object({ devices: z.array(Device) });
export type DeviceList = z.infer<typeof DeviceList>;

export const DeviceIdParams = z.strictObject({ deviceId: z.uuid() });

export const LogOutOthersResponse = z.object({ revoked: z.int().check(z.nonnegative()) });
export type LogOutOthersResponse = z.infer<typeof LogOutOthersResponse>;

/** `{}`: done. */
export const EmptyResponse = z.object({});
