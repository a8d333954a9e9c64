import { useAtomValue } from "jotai";
import { useEffect } from "react";
import { chatsAtom } from "./state.ts";
import { tabTitle, unreadTotal } from "./unread.ts";

/** Keeps the unread count in the tab's title, so a background tab shows that messages wait. */
export function TabTitle() {
  const unread = unreadTotal(useAtomValue(chatsAtom));
  useEffect(() => {
    document.title = tabTitle(unread);
  }, [unread]);
  return null;
}
