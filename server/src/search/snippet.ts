import { matchRanges, type Snippet } from "@easyqr/protocol";

/** Characters of context shown before the first match, and the longest excerpt. */
const BEFORE = 40;
const LENGTH = 160;

/**
 * The part of a message to show for a hit: around its first matched word, cut at spaces, line
 * breaks shown as spaces, with each matched word as a range into the excerpt. Plain text: the
 * client renders it as text, so a message holding markup shows as the text it is.
 */
export function snippetOf(text: string, terms: readonly string[]): Snippet {
  const ranges = matchRanges(text, terms);
  const first = ranges[0] ?? { start: 0, end: 0 };
  let start = 0;
  if (first.start > BEFORE) {
    const space = text.lastIndexOf(" ", first.start - BEFORE);
    start = space >= 0 && first.start - space <= BEFORE + 20 ? space + 1 : first.start - BEFORE;
  }
  let end = Math.min(text.length, start + LENGTH);
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    if (space >= first.end) end = space;
  }
  // Never split a surrogate pair.
  if (isLowSurrogate(text.charCodeAt(start))) start -= 1;
  if (isLowSurrogate(text.charCodeAt(end))) end += 1;
  const highlights = ranges.filter((r) => r.start >= start && r.end <= end).map((r) => ({ start: r.start - start, end: r.end - start }));
  return { text: text.slice(start, end).replace(/[\n\t]/g, " "), highlights, cutStart: start > 0, cutEnd: end < text.length };
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
