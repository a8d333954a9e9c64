import type { Connection } from "@easyqr/protocol";
import { useState, type RefObject } from "react";
import { Avatar } from "../../components/Avatar.tsx";
import { displayName } from "../chat/messageText.ts";
import { nameMatches } from "../search/nameFilter.ts";

type Props = {
  connections: readonly Connection[];
  chosen: ReadonlySet<string>;
  onToggle: (userId: string) => void;
  /** People already in the group: shown ticked and fixed. */
  already?: ReadonlySet<string>;
  label: string;
  filterRef?: RefObject<HTMLInputElement | null>;
};

/** The person's connections to tick, with a filter box (name or @username), by name. */
export function PeoplePicker({ connections, chosen, onToggle, already, label, filterRef }: Props) {
  const [filter, setFilter] = useState("");
  const shown = connections
    .filter((c) => filter.trim() === "" || nameMatches(filter, c.user))
    .sort((a, b) => displayName(a.user).localeCompare(displayName(b.user)));
  return (
    <>
      <input
        ref={filterRef}
        type="search"
        className="forward__filter"
        placeholder="Search contacts"
        aria-label="Search contacts"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <ul className="forward__list" aria-label={label} data-testid="people-picker">
        {shown.map((c) => {
          const inGroup = already?.has(c.user.id) ?? false;
          return (
            <li key={c.user.id}>
              <label className="forward__target">
                <input type="checkbox" checked={inGroup || chosen.has(c.user.id)} disabled={inGroup} onChange={() => onToggle(c.user.id)} />
                <Avatar user={c.user} size={32} />
                <span className="forward__name">{displayName(c.user)}</span>
                {inGroup ? (
                  <span className="forward__username">in the group</span>
                ) : c.user.username ? (
                  <span className="forward__username">@{c.user.username}</span>
                ) : null}
              </label>
            </li>
          );
        })}
        {shown.length === 0 ? (
          <li className="forward__none">{connections.length ? "No contact matches." : "No contacts yet: add people by their QR code first."}</li>
        ) : null}
      </ul>
    </>
  );
}

/** A set with one id added or taken away. */
export function toggled(set: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}
