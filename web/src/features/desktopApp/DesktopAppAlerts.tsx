import { useStore } from "jotai";
import { useEffect } from "react";
import { chatsAtom } from "../chat/state.ts";
import { desktopBridge } from "./bridge.ts";
import { followChats } from "./chatAlerts.ts";
import { notificationSettingsAtom } from "../chat/notificationSettings.ts";

/** In the desktop app only: new messages as system notifications, the unread count on the app's icon. */
export function DesktopAppAlerts() {
  const store = useStore();
  useEffect(() => {
    const bridge = desktopBridge();
    if (!bridge) return;
    return followChats(store, chatsAtom, bridge, {
      quiet: () => document.hasFocus(),
      previews: () => store.get(notificationSettingsAtom).previews,
    });
  }, [store]);
  return null;
}
