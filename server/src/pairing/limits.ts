import type { WrongCodeLimits } from "./wrongCodes.ts";

/** Timings and caps of pairing; tests shrink them, production keeps these. */
export type PairingLimits = WrongCodeLimits & {
  /** Lifetime of a phone token (the seed: 2–3 minutes). */
  tokenTtlMs: number;
  /** A new token is shown this often while the desktop waits. */
  rotateEveryMs: number;
  /** A token replaced by rotation is still accepted this long (a phone mid-scan). */
  rotationGraceMs: number;
  /** A session waits this long for its first phone, then expires. */
  pendingTtlMs: number;
  /** A paired session with nobody online for this long is closed. */
  idleTtlMs: number;
  /** Ended sessions are remembered this long so late clients get a clear error. */
  endedRetentionMs: number;
  maxPendingPerIp: number;
  maxPhonesPerSession: number;
  maxScansPerSession: number;
};

export const defaultPairingLimits: PairingLimits = {
  tokenTtlMs: 150_000,
  rotateEveryMs: 20_000,
  rotationGraceMs: 5_000,
  pendingTtlMs: 5 * 60_000,
  idleTtlMs: 10 * 60_000,
  endedRetentionMs: 10 * 60_000,
  maxPendingPerIp: 20,
  maxPhonesPerSession: 10,
  maxScansPerSession: 5_000,
  // People mistype a code now and then; 100 wrong ones a minute across all addresses is guessing.
  wrongCodesPerMinute: 100,
  wrongCodesPerIpInBurst: 3,
};
