import type { DeviceMarks } from "./rows.ts";

export type Receipt = "delivered" | "seen";

/**
 * Watermarks moved up to `upTo`: never back, seen implies delivered. Undefined when nothing
 * moved. The same rule for a member's watermarks and for each of their devices' own.
 */
export function advance(marks: DeviceMarks, upTo: number, kind: Receipt): DeviceMarks | undefined {
  const seenSeq = kind === "seen" ? Math.max(marks.seenSeq, upTo) : marks.seenSeq;
  const deliveredSeq = Math.max(marks.deliveredSeq, upTo, seenSeq);
  return seenSeq === marks.seenSeq && deliveredSeq === marks.deliveredSeq ? undefined : { deliveredSeq, seenSeq };
}
