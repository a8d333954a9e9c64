// Binds the IPC map to Electron: one handler per channel, each behind the
// sender check and the zod parsing of ipcHandlers.ts.
import { BrowserWindow, Notification, app, ipcMain } from "electron";
import type { DesktopConfig } from "./config.ts";
import { registerIpcHandlers } from "./ipcHandlers.ts";
import { createNotifier } from "./notifications.ts";
import { isServerUrl } from "./urlPolicy.ts";
import { focusWindow } from "./window.ts";

export function registerIpc(config: DesktopConfig): void {
  const notifier = createNotifier({
    supported: () => Notification.isSupported(),
    windowFocused: () => BrowserWindow.getFocusedWindow() !== null,
    create: ({ title, body }) => new Notification({ title, body }),
    focusWindow,
  });
  registerIpcHandlers(
    (channel, listener) => ipcMain.handle(channel, listener),
    {
      "notification:show": (request) => notifier.show(request),
      "badge:set": ({ count }) => {
        // macOS and Linux launchers that show counts; elsewhere Electron does nothing.
        app.setBadgeCount(count);
        return { ok: true };
      },
    },
    (url) => isServerUrl(url, config),
  );
}
