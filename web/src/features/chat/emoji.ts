/**
 * The emoji picker's data: Unicode's emoji list with names and groups (the `unicode-emoji-json`
 * package, bundled and loaded on first open: nothing is fetched from elsewhere, which the page's
 * Content-Security-Policy would refuse anyway) and a search over names.
 */
export type EmojiEntry = { emoji: string; name: string };
export type EmojiGroup = { name: string; emojis: EmojiEntry[] };

type RawGroup = { name: string; emojis: { emoji: string; name: string }[] };

let loading: Promise<EmojiGroup[]> | undefined;

/** The groups in Unicode's order, loaded once (a separate chunk of the build). */
export function loadEmojiGroups(): Promise<EmojiGroup[]> {
  loading ??= import("unicode-emoji-json/data-by-group.json").then((module) => toGroups(module.default as RawGroup[]));
  return loading;
}

export function toGroups(raw: readonly RawGroup[]): EmojiGroup[] {
  return raw.map((group) => ({ name: group.name, emojis: group.emojis.map(({ emoji, name }) => ({ emoji, name })) }));
}

/**
 * Emojis whose name has every word of the query at the start of one of its words ("thu up" finds
 * thumbs up), those whose name starts with the query first; at most `limit`.
 */
export function searchEmojis(groups: readonly EmojiGroup[], query: string, limit = 120): EmojiEntry[] {
  const words = query.toLowerCase().trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const starts: EmojiEntry[] = [];
  const contains: EmojiEntry[] = [];
  for (const group of groups) {
    for (const entry of group.emojis) {
      const name = entry.name.toLowerCase();
      const nameWords = name.split(/[\s:,-]+/);
      if (!words.every((w) => nameWords.some((n) => n.startsWith(w)))) continue;
      (name.startsWith(words.join(" ")) ? starts : contains).push(entry);
    }
  }
  return [...starts, ...contains].slice(0, limit);
}

/** `text` with `insert` put in place of the selection `[start, end)`, and where the caret goes after it. */
export function insertAt(text: string, insert: string, start: number, end: number): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + insert + text.slice(to), caret: from + insert.length };
}
