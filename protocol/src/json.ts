/** Deepest nesting of arrays and objects in a JSON body or socket frame (ours need 3). */
export const MAX_JSON_DEPTH = 16;
/** Most object members plus array elements in one JSON body or frame (a SYNC naming 500 chats has about 2,000). */
export const MAX_JSON_ITEMS = 4_096;
/** Longest string in one JSON body or frame, in bytes: a 4,096-character text with every character escaped (`\uXXXX`). */
export const MAX_JSON_STRING_BYTES = 6 * 4096;
/** Longest number (or `true`, `false`, `null`): a safe integer has 16 digits; 60,000 digits take `JSON.parse` 0.5 ms. */
export const MAX_JSON_LITERAL_BYTES = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Why the UTF-8 JSON in `bytes` is too deep, has too many items or too long a string or number to be worth
 * decoding and parsing, or null. One pass over the bytes (the structural characters are ASCII, and
 * no byte of a multi-byte UTF-8 character is below 0x80): cheaper than decoding 64 KB of
 * combining marks or `JSON.parse` of 30,000 nested arrays, each of which costs 0.3–10 ms.
 * Malformed JSON passes here and fails in `JSON.parse`.
 */
export function jsonShapeProblem(bytes: Uint8Array): string | null {
  let depth = 0;
  let items = 0;
  let literal = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    // Digits, signs, letters of literals: anything but structure, quotes and whitespace.
    if (c > 0x20 && c !== QUOTE && c !== 0x5b && c !== 0x5d && c !== 0x7b && c !== 0x7d && c !== 0x3a && c !== 0x2c) {
      if (++literal > MAX_JSON_LITERAL_BYTES) return `holding a number over ${MAX_JSON_LITERAL_BYTES} characters`;
      continue;
    }
    literal = 0;
    if (c === QUOTE) {
      const start = i;
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
      if (i - start - 1 > MAX_JSON_STRING_BYTES) return `holding a string over ${MAX_JSON_STRING_BYTES} bytes`;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_JSON_DEPTH) return `nested more than ${MAX_JSON_DEPTH} levels deep`;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    } else if ((c === 0x3a /* : */ || c === 0x2c) /* , */ && ++items > MAX_JSON_ITEMS) {
      return `holding more than ${MAX_JSON_ITEMS} items`;
    }
  }
  return null;
}
