import { useEffect, useId, useRef, useState } from "react";
import { loadEmojiGroups, searchEmojis, type EmojiEntry, type EmojiGroup } from "./emoji.ts";

/**
 * A searchable grid of every Unicode emoji (a popover above the composer). Built in rather than a
 * picker library: those looked at fetch their data from a CDN by default (`connect-src 'self'`
 * refuses it) and some add <style> elements (`style-src 'self'`); see ARCHITECTURE.md. The data
 * itself is a package (emoji.ts). Picking one keeps the picker open for more.
 */
export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [groups, setGroups] = useState<EmojiGroup[]>();
  const [query, setQuery] = useState("");
  const [failed, setFailed] = useState(false);
  const search = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => {
    let live = true;
    loadEmojiGroups().then(
      (loaded) => live && setGroups(loaded),
      () => live && setFailed(true),
    );
    search.current?.focus();
    return () => {
      live = false;
    };
  }, []);

  const found = groups && query.trim() ? searchEmojis(groups, query) : undefined;
  const cell = (entry: EmojiEntry) => (
    <button key={entry.emoji} type="button" className="emoji-picker__emoji" title={entry.name} aria-label={entry.name} onClick={() => onPick(entry.emoji)}>
      {entry.emoji}
    </button>
  );
  return (
    <div className="emoji-picker" role="dialog" aria-label="Emoji" data-testid="emoji-picker">
      <input
        ref={search}
        type="search"
        className="emoji-picker__search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        aria-controls={`${id}-grid`}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            onClose();
          }
          if (e.key === "Enter") {
            e.preventDefault();
            const first = found?.[0];
            if (first) onPick(first.emoji);
          }
        }}
      />
      <div className="emoji-picker__grid" id={`${id}-grid`}>
        {failed ? (
          <p className="emoji-picker__note" role="alert">
            The emoji could not be loaded.
          </p>
        ) : !groups ? (
          <p className="emoji-picker__note" role="status">
            Loading…
          </p>
        ) : found ? (
          found.length ? (
            <div className="emoji-picker__cells" role="group" aria-label="Results">
              {found.map(cell)}
            </div>
          ) : (
            <p className="emoji-picker__note" role="status">
              No emoji found
            </p>
          )
        ) : (
          groups.map((group) => (
            <section key={group.name} aria-label={group.name}>
              <h3 className="emoji-picker__group">{group.name}</h3>
              <div className="emoji-picker__cells">{group.emojis.map(cell)}</div>
            </section>
          ))
        )}
      </div>
    </div>
  );
}
