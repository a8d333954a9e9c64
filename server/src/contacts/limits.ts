/** Timings and caps of contacts; tests change some, production keeps these. */
export type ContactLimits = {
  /** A "My QR" token is accepted this long after it was issued, rotated or not. */
  qrTtlMs: number;
  /** The client asks for a new token this often while it shows the QR. */
  qrRotateEveryMs: number;
  /** A token replaced by a newer one is still accepted this long (a scan caught mid-rotation, time to tap "Send"). */
  qrRotationGraceMs: number;
  /** Requests one token can carry (a QR shown to a few people at once). */
  qrMaxUses: number;
  /**
   * Ended tokens (their hashes) are kept this long so a late scan, or a link opened after signing up,
   * gets a clear "expired" rather than "invalid".
   */
  qrRetentionMs: number;
  qrIssuesPerUser: number;
  qrIssuesWindowMs: number;
  previewsPerUser: number;
  previewsWindowMs: number;
  /** Unanswered requests are dropped after this long. */
  requestTtlMs: number;
  /** Requests one user may send per window, to anyone. */
  requestsPerUser: number;
  requestsPerUserWindowMs: number;
  /** Requests one user may send to the same person per window (asking again after a decline). */
  requestsPerPair: number;
  requestsPerPairWindowMs: number;
  /** How often the sweeper drops ended tokens and stale requests. */
  sweepEveryMs: number;
};

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export const defaultContactLimits: ContactLimits = {
  qrTtlMs: 2 * minute,
  qrRotateEveryMs: minute,
  qrRotationGraceMs: 30_000,
  qrMaxUses: 5,
  qrRetentionMs: 7 * day,
  qrIssuesPerUser: 30,
  qrIssuesWindowMs: 10 * minute,
  previewsPerUser: 60,
  previewsWindowMs: 10 * minute,
  requestTtlMs: 30 * day,
  requestsPerUser: 50,
  requestsPerUserWindowMs: hour,
  requestsPerPair: 3,
  requestsPerPairWindowMs: day,
  sweepEveryMs: minute,
};
