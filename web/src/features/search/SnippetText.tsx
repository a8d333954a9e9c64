import type { Snippet } from "@easyqr/protocol";

/** A hit's excerpt as text, its matched words in <mark> (React escapes the text: markup in a message shows as written). */
export function SnippetText({ snippet }: { snippet: Snippet }) {
  const parts: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const { start, end } of snippet.highlights) {
    if (start < at || end > snippet.text.length) continue;
    if (start > at) parts.push({ text: snippet.text.slice(at, start), marked: false });
    parts.push({ text: snippet.text.slice(start, end), marked: true });
    at = end;
  }
  if (at < snippet.text.length) parts.push({ text: snippet.text.slice(at), marked: false });
  return (
    <>
      {snippet.cutStart ? "…" : null}
      {parts.map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
      {snippet.cutEnd ? "…" : null}
    </>
  );
}
