import { MAX_ATTACHMENT_BYTES } from "@easyqr/protocol";

/** Sizes and timings of attachments; tests change some, production keeps these. */
export type AttachmentLimits = {
  /** Largest file, in bytes (the protocol's 25 MB). */
  maxBytes: number;
  /** An attachment no message carries is removed this long after its upload. */
  unsentTtlMs: number;
  /** How often the sweeper looks for them. */
  sweepEveryMs: number;
  /** Uploads one user may make per window (each may be 25 MB and costs an image re-encoding). */
  uploadsPerUser: number;
  uploadsWindowMs: number;
};

const minute = 60_000;
const hour = 60 * minute;

export const defaultAttachmentLimits: AttachmentLimits = {
  maxBytes: MAX_ATTACHMENT_BYTES,
  unsentTtlMs: 24 * hour,
  sweepEveryMs: 10 * minute,
  uploadsPerUser: 300,
  uploadsWindowMs: hour,
};
