import { isMuted, type Chat, type ChatSettingsRequest } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useId, useRef, useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { useDismiss } from "../../components/useDismiss.ts";
import { chatSyncAtom } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

type Item = { label: string; change: ChatSettingsRequest | "read" };

/** What the ⋯ menu of a chat offers, as WhatsApp words it. */
export function menuItems(chat: Chat, now: number): Item[] {
  const { settings } = chat;
  const archived = settings.archivedAt !== null;
  const items: Item[] = [];
  if (!archived) items.push(settings.pinnedAt !== null ? { label: "Unpin chat", change: { pinned: false } } : { label: "Pin chat", change: { pinned: true } });
  items.push(archived ? { label: "Unarchive chat", change: { archived: false } } : { label: "Archive chat", change: { archived: true } });
  if (isMuted(settings, now)) items.push({ label: "Unmute notifications", change: { mute: "off" } });
  else
    items.push(
      { label: "Mute for 8 hours", change: { mute: "8h" } },
      { label: "Mute for 1 week", change: { mute: "1w" } },
      { label: "Mute always", change: { mute: "always" } },
    );
  if (chat.unread > 0) items.push({ label: "Mark as read", change: "read" });
  else if (settings.markedUnread) items.push({ label: "Mark as read", change: { markedUnread: false } });
  else items.push({ label: "Mark as unread", change: { markedUnread: true } });
  return items;
}

/** The chat row's ⋯ button and its menu: pin, archive, mute, mark unread/read. */
export function ChatRowMenu({ chat, name, now }: { chat: Chat; name: string; now: number }) {
  const sync = useAtomValue(chatSyncAtom);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const menuId = useId();
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  useDismiss(open, trigger, menu, () => setOpen(false));
  const choose = (item: Item) => {
    setOpen(false);
    setError(undefined);
    if (!sync) return;
    if (item.change === "read") return sync.markSeen(chat.id);
    sync.updateSettings(chat.id, item.change).catch((failure: unknown) => setError(errorMessage(failure)));
  };
  return (
    <div className="chat-row__actions">
      <button
        ref={trigger}
        type="button"
        className="chat-row__more"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={`Chat options for ${name}`}
        onClick={() => setOpen((o) => !o)}
      >
        ⋯
      </button>
      {open ? (
        <div ref={menu} className="chat-menu" id={menuId} role="menu" aria-label={`Chat options for ${name}`}>
          {menuItems(chat, now).map((item) => (
            <button key={item.label} type="button" role="menuitem" className="chat-menu__item" onClick={() => choose(item)}>
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
      <FormError message={error} className="chat-row__error" testId="chat-action-error" />
    </div>
  );
}
