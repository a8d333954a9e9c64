const pool = new Uint8Array(16 * 256);
let offset = pool.length;
const hex = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/**
 * A UUIDv7: 48 bits of Unix milliseconds, then random bits (Web Crypto's getRandomValues, which
 * unlike randomUUID also works on plain-HTTP LAN pages). Ids made later sort later, so rows keyed
 * by them are appended near the end of an index instead of all over it: messages' ids, and the
 * client ids of requests (the server's index of SEND ids is ordered by client id first).
 */
export function uuidv7(now: number = Date.now()): string {
  if (offset === pool.length) {
    crypto.getRandomValues(pool);
    offset = 0;
  }
  const b = pool.subarray(offset, (offset += 16));
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  let s = "";
  for (let i = 0; i < 16; i++) s += (i === 4 || i === 6 || i === 8 || i === 10 ? "-" : "") + hex[b[i]!]!;
  return s;
}
