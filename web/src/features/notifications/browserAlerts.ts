import type { AlertSink } from "../desktopApp/chatAlerts.ts";
import type { DesktopNotification } from "../desktopApp/bridge.ts";

export type BrowserAlertOptions = {
  /** The page's `Notification` (absent in browsers without it). */
  Notification: typeof Notification | undefined;
  sound: () => boolean;
  play: () => void;
  /** A click on a notification: bring the window forward and open the chat (its tag). */
  open: (chatId: string) => void;
};

/**
 * The browser's side of the alerts `followChats` drives (the desktop app has its bridge): a system
 * notification when permission was granted, the chime when sound is on. The badge is the tab's
 * title (TabTitle), so the count goes nowhere here.
 */
export function browserSink(options: BrowserAlertOptions): AlertSink {
  return {
    showNotification: (n: DesktopNotification) => {
      if (options.sound()) options.play();
      const Native = options.Notification;
      if (!Native || Native.permission !== "granted") return Promise.resolve(false);
      const shown = new Native(n.title, { body: n.body, tag: n.tag });
      shown.onclick = () => {
        options.open(n.tag);
        shown.close();
      };
      return Promise.resolve(true);
    },
    setBadgeCount: () => Promise.resolve(),
  };
}

/** Whether this browser can show notifications and has not been asked yet. */
export function mayAsk(Native: typeof Notification | undefined): boolean {
  return Native !== undefined && Native.permission === "default";
}
