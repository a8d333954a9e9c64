import { DEVICE_IDLE_MS, REFRESH_PROOF_SKEW_MS } from "@easyqr/protocol";

/**
 * Timings and caps of sign-in; tests change some, production keeps these. Why these numbers:
 * docs/protocol.md, "Limits a client can rely on".
 */
export type AuthLimits = {
  /** A code works this long after it was sent. */
  codeTtlMs: number;
  /** Tries per code request; the fifth wrong one locks that request (and only that one). */
  maxAttempts: number;
  /**
   * Codes sent to one email/phone for one IP per window. Every send is its own request, so this
   * also caps the live codes one address holds for an identifier (3 in 15 min, each lives 10).
   */
  sendsPerIdentifierIp: number;
  sendsPerIdentifierIpWindowMs: number;
  /** Codes sent to one email/phone from all IPs per window: what a flood of messages costs its owner. */
  sendsPerIdentifier: number;
  sendsPerIdentifierWindowMs: number;
  /** Codes requested from one IP per window. */
  sendsPerIp: number;
  sendsPerIpWindowMs: number;
  /** Wrong codes from one IP, whatever the identifier, per window: guessing across accounts. */
  failuresPerIp: number;
  failuresPerIpWindowMs: number;
  /** Wrong codes for one identifier from one IP per window. */
  failuresPerIdentifierIp: number;
  failuresPerIdentifierIpWindowMs: number;
  /**
   * Wrong codes for one identifier from all IPs per window: the ceiling on guessing one account
   * (NIST SP 800-63B-4: at most 100). Ten times the per-IP share, so only ten addresses reach it.
   */
  failuresPerIdentifier: number;
  failuresPerIdentifierWindowMs: number;
  /** Lifetime of an access token. */
  accessTtlMs: number;
  /** Absolute lifetime of a sign-in session (its refresh tokens); refreshing does not extend it. */
  sessionTtlMs: number;
  /** How often open sockets' sessions are checked: expired, or revoked (by other nodes too) since the last check. */
  sessionCheckMs: number;
  /** How often that check reads every open socket's session instead (sessions deleted with their account). */
  sessionFullCheckMs: number;
  /** Absolute lifetime of a linked device's session; in practice it ends by `deviceIdleMs` or being logged out. */
  linkedSessionTtlMs: number;
  /** A session (device) not used for this long ends. */
  deviceIdleMs: number;
  /** How far a key-bound refresh's proof time may be from the server's clock. */
  refreshProofSkewMs: number;
  /**
   * A spent refresh token that comes back this soon after it was spent, while the token that
   * replaced it is still unused, is a client that never got the answer (the page reloaded while
   * it refreshed): it is answered again instead of ending the session.
   */
  lostRefreshGraceMs: number;
};

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export const defaultAuthLimits: AuthLimits = {
  codeTtlMs: 10 * minute,
  maxAttempts: 5,
  sendsPerIdentifierIp: 3,
  sendsPerIdentifierIpWindowMs: 15 * minute,
  sendsPerIdentifier: 10,
  sendsPerIdentifierWindowMs: hour,
  sendsPerIp: 20,
  sendsPerIpWindowMs: hour,
  failuresPerIp: 30,
  failuresPerIpWindowMs: hour,
  failuresPerIdentifierIp: 10,
  failuresPerIdentifierIpWindowMs: day,
  failuresPerIdentifier: 100,
  failuresPerIdentifierWindowMs: day,
  accessTtlMs: 15 * minute,
  sessionTtlMs: 30 * day,
  sessionCheckMs: 2_000,
  sessionFullCheckMs: 5 * minute,
  linkedSessionTtlMs: 365 * day,
  deviceIdleMs: DEVICE_IDLE_MS,
  refreshProofSkewMs: REFRESH_PROOF_SKEW_MS,
  lostRefreshGraceMs: 30_000,
};
