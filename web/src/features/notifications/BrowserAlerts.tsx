import { useStore } from "jotai";
import { useEffect } from "react";
import { useNavigate } from "react-router";
import { chatPath } from "../../paths.ts";
import { chatsAtom, openChatAtom } from "../chat/state.ts";
import { desktopBridge } from "../desktopApp/bridge.ts";
import { followChats } from "../desktopApp/chatAlerts.ts";
import { browserSink } from "./browserAlerts.ts";
import { notificationSettingsAtom } from "../chat/notificationSettings.ts";
import { playChime } from "./sound.ts";

/**
 * In a browser (the desktop app has DesktopAppAlerts): new messages as notifications with a chime,
 * except for muted chats and the chat that is open in a focused window.
 */
export function BrowserAlerts() {
  const store = useStore();
  const navigate = useNavigate();
  useEffect(() => {
    if (desktopBridge()) return;
    const sink = browserSink({
      Notification: "Notification" in globalThis ? globalThis.Notification : undefined,
      sound: () => store.get(notificationSettingsAtom).sound,
      play: playChime,
      open: (chatId) => {
        window.focus();
        void navigate(chatPath(chatId));
      },
    });
    return followChats(store, chatsAtom, sink, {
      quiet: (chatId) => document.visibilityState === "visible" && document.hasFocus() && store.get(openChatAtom) === chatId,
      previews: () => store.get(notificationSettingsAtom).previews,
    });
  }, [store, navigate]);
  return null;
}
