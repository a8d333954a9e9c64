/** Timings and caps of sign-in; tests change some, production keeps these. */
export type AuthLimits = {
  /** A code works this long after it was (re)sent. */
  codeTtlMs: number;
  /** Tries per code request (wrong ones lock it; resending keeps the count). */
  maxAttempts: number;
  /** Codes sent to one email/phone per window. */
  sendsPerIdentifier: number;
  sendsPerIdentifierWindowMs: number;
  /** Codes requested from one IP per window. */
  sendsPerIp: number;
  sendsPerIpWindowMs: number;
  /** Lifetime of an access token. */
  accessTtlMs: number;
  /** Absolute lifetime of a sign-in session (its refresh tokens); refreshing does not extend it. */
  sessionTtlMs: number;
  /** How often open sockets' sessions are re-checked (revocations made by other nodes). */
  sessionCheckMs: number;
};

export const defaultAuthLimits: AuthLimits = {
  codeTtlMs: 10 * 60_000,
  maxAttempts: 5,
  sendsPerIdentifier: 3,
  sendsPerIdentifierWindowMs: 15 * 60_000,
  sendsPerIp: 20,
  sendsPerIpWindowMs: 60 * 60_000,
  accessTtlMs: 15 * 60_000,
  sessionTtlMs: 30 * 24 * 60 * 60_000,
  sessionCheckMs: 2_000,
};
