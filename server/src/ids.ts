import { randomFillSync } from "node:crypto";

const random = Buffer.alloc(16 * 512);
let offset = random.length;

/**
 * A UUIDv7: 48 bits of Unix milliseconds, then random bits. Rows keyed by it are appended near the
 * end of their primary-key index instead of all over it, so a batch of inserts dirties few pages.
 */
export function uuidv7(now: number = Date.now()): string {
  if (offset === random.length) {
    randomFillSync(random);
    offset = 0;
  }
  const b = random.subarray(offset, (offset += 16));
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
