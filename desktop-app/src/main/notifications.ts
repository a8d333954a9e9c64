// What the page's "notification:show" does. Pure, unit-tested; registerIpc.ts passes in
// Electron's Notification and the window.
import type { IpcRequest, IpcResponse } from "../ipc.ts";

/** The part of Electron's Notification used here. */
export type SystemNotification = {
  show(): void;
  close(): void;
  on(event: "click" | "close", listener: () => void): unknown;
};

export type NotifierDeps = {
  /** Electron's Notification.isSupported(). */
  supported: () => boolean;
  /** Whether a window of the app has the focus: then the page itself shows what is new. */
  windowFocused: () => boolean;
  create: (content: { title: string; body: string }) => SystemNotification;
  /** Brings the window forward (restored if minimised). */
  focusWindow: () => void;
};

/**
 * At most this many of our notifications at once: a newer one closes the oldest. The page is
 * remote content, and even a compromised one must not bury the desktop in notifications.
 */
export const MAX_OPEN_NOTIFICATIONS = 8;

export type Notifier = { show: (request: IpcRequest<"notification:show">) => IpcResponse<"notification:show"> };

export function createNotifier(deps: NotifierDeps): Notifier {
  // tag → the notification on screen, oldest first. Holding it also keeps Electron from
  // collecting it, which would drop its click handler.
  const open = new Map<string, SystemNotification>();

  const forget = (tag: string, notification: SystemNotification) => {
    if (open.get(tag) === notification) open.delete(tag);
  };

  return {
    show({ tag, title, body }) {
      if (!deps.supported() || deps.windowFocused()) return { shown: false };
      const replaced = open.get(tag);
      if (replaced) {
        open.delete(tag);
        replaced.close();
      }
      for (const [oldestTag, oldest] of open) {
        if (open.size < MAX_OPEN_NOTIFICATIONS) break;
        open.delete(oldestTag);
        oldest.close();
      }
      const notification = deps.create({ title, body });
      notification.on("click", () => {
        forget(tag, notification);
        deps.focusWindow();
      });
      notification.on("close", () => forget(tag, notification));
      open.set(tag, notification);
      notification.show();
      return { shown: true };
    },
  };
}
