// Binds the IPC map to Electron: one handler per channel, each behind the
// sender check and the zod parsing of ipcHandlers.ts.
import { app, clipboard, ipcMain } from "electron";
import type { DesktopConfig } from "./config.ts";
import { registerIpcHandlers } from "./ipcHandlers.ts";
import { isServerUrl } from "./urlPolicy.ts";

export function registerIpc(config: DesktopConfig): void {
  registerIpcHandlers(
    (channel, listener) => ipcMain.handle(channel, listener),
    {
      "app:info": () => ({ version: app.getVersion(), platform: process.platform }),
      "clipboard:write": ({ text }) => {
        clipboard.writeText(text);
        return { ok: true };
      },
    },
    (url) => isServerUrl(url, config),
  );
}
