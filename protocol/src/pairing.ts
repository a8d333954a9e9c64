import * as z from "zod/mini";
import { bounded } from "./text.ts";

export const SessionStatus = z.enum(["PENDING", "CONNECTED", "CLOSED", "EXPIRED"]);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const SessionId = z.uuid();

/** 8 characters of Crockford base32, shown as XXXX-XXXX under the QR. */
export const PAIRING_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const PairingCode = z.pipe(
  z.pipe(bounded(32, "a pairing code is 8 letters and digits"), z.transform(normalizePairingCode)),
  z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{8}$/, "a pairing code is 8 letters and digits")),
);

export function normalizePairingCode(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

export function formatPairingCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export const CreateSessionRequest = z.strictObject({
  /** Let more than one phone join this desktop as scanners. */
  allowMultiplePhones: z._default(z.boolean(), false),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

/** What the desktop shows right now: rotates while the desktop waits. */
export const PairingQr = z.object({
  /** The text encoded in the QR: `<server>/pair#sid=…&t=…`. */
  url: z.string(),
  token: z.string(),
  code: z.string(),
  /** When this token stops being accepted (ms since epoch). */
  expiresAt: z.int(),
  /** When the server will replace it with a new one. */
  rotatesAt: z.int(),
});
export type PairingQr = z.infer<typeof PairingQr>;

export const CreateSessionResponse = z.object({
  sessionId: SessionId,
  /** The seed's phone token (a JWT, single use); also inside `qr.url`. */
  token: z.string(),
  /** The desktop's own secret: never in the QR. */
  desktopToken: z.string(),
  status: SessionStatus,
  createdAt: z.int(),
  /** The session stops waiting for a phone at this time. */
  expiresAt: z.int(),
  qr: PairingQr,
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;

/**
 * A node's health. `status`: `ok`; `degraded` (still 200, so a load balancer keeps the node: Redis
 * is down, sends still commit and other nodes catch up by resync); `down` (503: the database is
 * down). `checks` keeps the seed's readiness words; `latencyMs` is how long each check's round trip
 * took (absent for a check that failed or is not configured).
 */
export const HealthResponse = z.object({
  status: z.enum(["ok", "degraded", "down"]),
  node: z.string().check(z.maxLength(64)),
  uptimeSeconds: z.int().check(z.nonnegative()),
  checks: z.object({ database: z.enum(["ok", "down"]), redis: z.enum(["ok", "down", "absent"]) }),
  latencyMs: z.object({ database: z.optional(z.number().check(z.nonnegative())), redis: z.optional(z.number().check(z.nonnegative())) }),
  /** Open sockets on this node: signed-in people's, pairing (desktop and phone) and desktops waiting to be linked. */
  sockets: z.object({ users: z.int().check(z.nonnegative()), pairing: z.int().check(z.nonnegative()), link: z.int().check(z.nonnegative()) }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
