import { useAtomValue } from "jotai";
import { useEffect } from "react";
import { useNow } from "../../components/useNow.ts";
import { chatsAtom } from "./state.ts";
import { tabTitle, unreadTotal } from "./unread.ts";

/** Keeps the unread count in the tab's title, so a background tab shows that messages wait. */
export function TabTitle() {
  // A mute that runs out brings its chat's count back within the minute.
  const unread = unreadTotal(useAtomValue(chatsAtom), useNow(60_000));
  useEffect(() => {
    document.title = tabTitle(unread);
  }, [unread]);
  return null;
}
