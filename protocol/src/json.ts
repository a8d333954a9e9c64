/** Deepest nesting of arrays and objects in a JSON body or socket frame (ours need 3). */
export const MAX_JSON_DEPTH = 16;
/** Most object members in one JSON body or frame (a SYNC naming 500 chats has 1,003). */
export const MAX_JSON_MEMBERS = 2_048;

/**
 * Why `text` is too deeply nested or has too many members to be worth parsing, or null. One pass
 * over the characters, far cheaper than `JSON.parse` of a 64 KB `[[[[…` (~10 ms) or of thousands of
 * keys. Malformed JSON passes here and fails in `JSON.parse`.
 */
export function jsonShapeProblem(text: string): string | null {
  let depth = 0;
  let members = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_JSON_DEPTH) return `nested more than ${MAX_JSON_DEPTH} levels deep`;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    } else if (c === 0x3a /* : */ && ++members > MAX_JSON_MEMBERS) {
      return `more than ${MAX_JSON_MEMBERS} object members`;
    }
  }
  return null;
}
