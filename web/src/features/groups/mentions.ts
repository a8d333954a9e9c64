import { MAX_MENTIONS } from "@easyqr/protocol";

/** A member one can mention: `@name` in the text. */
export type Mentionable = { id: string; name: string };

/** The `@…` being typed just before the caret, if any: where it starts and what follows the @. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const before = text.slice(Math.max(0, caret - 40), caret);
  const match = /(^|\s)@([^\s@]{0,30})$/.exec(before);
  if (!match) return undefined;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, query };
}

/** Members whose name (a word of it) starts with the query, by name; at most `max`. */
export function mentionCandidates(members: readonly Mentionable[], query: string, max = 8): Mentionable[] {
  const wanted = query.toLowerCase();
  return members
    .filter(
      (m) =>
        m.name
          .toLowerCase()
          .split(/\s+/)
          .some((word) => word.startsWith(wanted)) || m.name.toLowerCase().startsWith(wanted),
    )
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, max);
}

/** The text with the `@query` at `start…caret` replaced by `@Name `, and where the caret goes. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

/** The members the text mentions (`@Name`, the longest name first so "@Ada Lovelace" is not "@Ada"). */
export function mentionsIn(text: string, members: readonly Mentionable[]): string[] {
  const found: string[] = [];
  let rest = text;
  for (const member of [...members].sort((a, b) => b.name.length - a.name.length)) {
    const tag = `@${member.name}`;
    if (!rest.includes(tag)) continue;
    found.push(member.id);
    rest = rest.split(tag).join(" ");
    if (found.length === MAX_MENTIONS) break;
  }
  return found;
}

/** A message's text cut into plain parts and the `@Name` of people it mentions (to highlight them). */
export function mentionParts(text: string, mentionedNames: readonly string[]): { text: string; mention: boolean }[] {
  const tags = [...new Set(mentionedNames)].filter(Boolean).map((name) => `@${name}`);
  if (tags.length === 0) return [{ text, mention: false }];
  const escaped = tags.sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const parts: { text: string; mention: boolean }[] = [];
  let last = 0;
  for (const match of text.matchAll(new RegExp(escaped.join("|"), "g"))) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), mention: false });
    parts.push({ text: match[0], mention: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), mention: false });
  return parts;
}
