import * as z from "zod/mini";
import { personText } from "./text.ts";

/** Longest search text, in characters (checked before anything else runs). */
export const MAX_SEARCH_CHARS = 200;
/** Most words one search may have: each is a lookup in the full-text index. */
export const MAX_SEARCH_TERMS = 8;
/** Largest page of search hits. */
export const MAX_SEARCH_PAGE = 50;

/**
 * A word as search sees it: a run of letters, digits and combining marks (what SQLite's unicode61
 * tokenizer and PostgreSQL's parser both treat as part of a word). Everything else separates
 * words, so no character of the query language (`"`, `*`, `(`, `:`, `&`, `|`, `!`, `'`) ever
 * reaches the database's query parser.
 */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The words of a search text, in order, without repeats. */
export function searchTerms(text: string): string[] {
  return [...new Set(text.match(WORD) ?? [])];
}

/** A word folded for comparison: lower case, without diacritics (as SQLite's `remove_diacritics 2` folds it). */
export function foldWord(word: string): string {
  return word.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Where a message text has words that a search's terms start (folded), as [start, end) ranges in UTF-16 units. */
export function matchRanges(text: string, terms: readonly string[]): TextRange[] {
  const folded = terms.map(foldWord).filter((t) => t.length > 0);
  const ranges: TextRange[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = foldWord(match[0]);
    if (folded.some((term) => word.startsWith(term))) ranges.push({ start: match.index, end: match.index + match[0].length });
  }
  return ranges;
}

export const TextRange = z.object({ start: z.int().check(z.nonnegative()), end: z.int().check(z.nonnegative()) });
export type TextRange = z.infer<typeof TextRange>;

/** An opaque position in a result list, given back as `before` for the next page. */
export const SearchCursor = z.string().check(z.maxLength(40, { abort: true, message: "not a valid cursor" }), z.regex(/^[0-9a-f-]+$/, "not a valid cursor"));

/**
 * `GET /api/search/messages?q=&before=`: messages of the caller's chats whose text has every word
 * of `q` (each as a word or the start of one), newest first.
 */
export const SearchQuery = z.strictObject({
  q: personText("a search", MAX_SEARCH_CHARS).check(
    z.refine((q) => searchTerms(q).length > 0, { message: "a search needs at least one word (letters or digits)", abort: true }),
    z.refine((q) => searchTerms(q).length <= MAX_SEARCH_TERMS, `a search has at most ${MAX_SEARCH_TERMS} words`),
  ),
  before: z.optional(SearchCursor),
  limit: z._default(z.pipe(z.coerce.number<number>(), z.int().check(z.gte(1), z.lte(MAX_SEARCH_PAGE))), 20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/**
 * Text to show for a hit: an excerpt of the message around its first match, with the matched
 * words as ranges into `text`. Plain text: the client renders it as text and marks the ranges.
 */
export const Snippet = z.object({
  text: z.string(),
  /** In order, not overlapping, within `text`. */
  highlights: z.array(TextRange),
  /** Text was cut before / after the excerpt. */
  cutStart: z.boolean(),
  cutEnd: z.boolean(),
});
export type Snippet = z.infer<typeof Snippet>;

export const SearchHit = z.object({
  chatId: z.string(),
  messageId: z.string(),
  seq: z.int().check(z.positive()),
  senderId: z.string(),
  createdAt: z.int(),
  snippet: Snippet,
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchPage = z.object({
  hits: z.array(SearchHit),
  /** Pass as `before` for the next page; null at the end. */
  next: z.nullable(SearchCursor),
});
export type SearchPage = z.infer<typeof SearchPage>;
